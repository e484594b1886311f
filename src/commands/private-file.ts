// Files that can hold secrets (a HAR, a --report) are written mode 0600: created so, and an
// existing file is truncated and made 0600 before anything is written to it. A path that
// cannot be written is the user's input error (exit 2), said in one line with a hint.
import { open } from 'node:fs/promises';
import { inputError } from '../errors.js';

function unwritable(what: string, path: string, error: unknown): Error {
  const code = (error as { code?: string }).code;
  const why = code === 'ENOENT' ? ': no such folder' : code === 'EISDIR' ? ': it is a directory' : code === 'EACCES' ? ': permission denied' : code !== undefined ? ` (${code})` : '';
  return inputError('file-unwritable', `cannot write ${what} "${path}"${why}`, 'Check the path and that its folder exists.');
}

/** Writes text to path with mode 0600; `what` names the file in the error ("HAR file", "report file"). */
export async function writePrivateFile(path: string, text: string, what: string): Promise<void> {
  try {
    const file = await open(path, 'w', 0o600);
    try {
      await file.chmod(0o600);
      await file.writeFile(text, 'utf8');
    } finally {
      await file.close();
    }
  } catch (error) {
    throw unwritable(what, path, error);
  }
}
