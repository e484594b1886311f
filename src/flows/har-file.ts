// Reads a HAR file the user saved (explain --har): streamed from disk through the HAR
// reader and the step classifier, so only the flow's own exchanges are kept in memory.
import { createReadStream } from 'node:fs';
import { inputError, isSmartctlError } from '../errors.js';
import { HarClassifier } from '../har/classify.js';
import { readHarEntries, type HarLogInfo } from '../har/read.js';
import type { TraceEntry } from '../report/trace.js';

export interface HarFile {
  entries: TraceEntry[];
  /** Entries in the HAR. */
  total: number;
  /** Entries that were not part of an OAuth / SMART flow. */
  skipped: number;
  /** log.creator / log.browser / log.version, when the HAR names them. */
  info: HarLogInfo;
}

function unreadable(path: string, error: unknown): Error {
  const code = (error as { code?: string }).code;
  const why = code === 'ENOENT' ? ': no such file' : code === 'EISDIR' ? ': it is a directory' : code === 'EACCES' ? ': permission denied' : code !== undefined ? ` (${code})` : '';
  return inputError('file-unreadable', `cannot read HAR file "${path}"${why}`, 'Check the path.');
}

export async function readHarFile(path: string): Promise<HarFile> {
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024 });
  stream.setEncoding('utf8');
  const classifier = new HarClassifier();
  const entries: TraceEntry[] = [];
  const info: HarLogInfo = {};
  try {
    for await (const entry of readHarEntries(stream as AsyncIterable<string>, info)) entries.push(...classifier.add(entry));
  } catch (error) {
    if (isSmartctlError(error)) throw error;
    if ((error as { code?: unknown }).code !== undefined) throw unreadable(path, error);
    throw error;
  } finally {
    stream.destroy();
  }
  return { entries, total: classifier.counts.total, skipped: classifier.counts.skipped, info };
}
