// Reading the user's files with errors that say which file and why.
import { readFile } from 'node:fs/promises';
import { inputError } from '../errors.js';
import { clip } from '../report/render/terminal-text.js';

export async function readTextFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === 'ENOENT' ? ': no such file' : code === 'EISDIR' ? ': it is a directory' : code !== undefined ? ` (${code})` : '';
    // The path is the user's text (an @-argument that was meant as data): quoted, not echoed whole.
    throw inputError('file-unreadable', `cannot read ${what} "${clip(path, 200)}"${why}`, 'Check the path.');
  }
}
