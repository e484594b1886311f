// Reading the user's files with errors that say which file and why.
import { readFile } from 'node:fs/promises';
import { inputError } from '../errors.js';

export async function readTextFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === 'ENOENT' ? ': no such file' : code === 'EISDIR' ? ': it is a directory' : code !== undefined ? ` (${code})` : '';
    throw inputError('file-unreadable', `cannot read ${what} "${path}"${why}`, 'Check the path.');
  }
}
