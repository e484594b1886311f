// Test helpers: HAR documents in memory, and the reader + classifier over chunks of them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { HarClassifier } from '../../src/har/classify.js';
import { readHarEntries, type HarEntry } from '../../src/har/read.js';
import type { TraceEntry } from '../../src/report/trace.js';

export const HAR_FIXTURES = path.join(REPO_ROOT, 'fixtures', 'har');

export function harFixture(name: string): string {
  return readFileSync(path.join(HAR_FIXTURES, name), 'utf8');
}

/** Splits text into pieces at the given cut points (sorted, deduplicated, inside the text). */
export function splitAt(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((c) => Math.max(0, Math.min(text.length, c))))].sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const p of points) {
    out.push(text.slice(from, p));
    from = p;
  }
  out.push(text.slice(from));
  return out;
}

export async function entriesOf(chunks: Iterable<string>): Promise<HarEntry[]> {
  const out: HarEntry[] = [];
  for await (const e of readHarEntries(chunks)) out.push(e);
  return out;
}

export async function traceOf(chunks: Iterable<string>, bodyCap?: number): Promise<{ trace: TraceEntry[]; classifier: HarClassifier }> {
  const classifier = new HarClassifier({ bodyCap });
  const trace: TraceEntry[] = [];
  for await (const e of readHarEntries(chunks)) trace.push(...classifier.add(e));
  return { trace, classifier };
}

interface EntryOptions {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  params?: Record<string, string>;
  status?: number;
  responseHeaders?: Record<string, string>;
  responseBody?: string;
  redirectURL?: string;
  resourceType?: string;
}

const nv = (o: Record<string, string> = {}): Array<{ name: string; value: string }> => Object.entries(o).map(([name, value]) => ({ name, value }));

/** One HAR 1.2 entry in Chrome's layout. */
export function harEntryJson(o: EntryOptions): Record<string, unknown> {
  return {
    _resourceType: o.resourceType ?? 'fetch',
    startedDateTime: '2026-05-04T09:12:01.100Z',
    time: 10,
    request: {
      method: o.method ?? 'GET',
      url: o.url,
      httpVersion: 'http/1.1',
      headers: nv(o.headers),
      queryString: [],
      cookies: [],
      headersSize: -1,
      bodySize: o.body?.length ?? 0,
      ...(o.body !== undefined || o.params !== undefined ? { postData: { mimeType: 'application/x-www-form-urlencoded', text: o.body, params: o.params === undefined ? undefined : nv(o.params) } } : {}),
    },
    response: {
      status: o.status ?? 200,
      statusText: '',
      httpVersion: 'http/1.1',
      headers: nv(o.responseHeaders),
      cookies: [],
      content: { size: o.responseBody?.length ?? 0, mimeType: o.responseHeaders?.['content-type'] ?? 'text/plain', text: o.responseBody },
      redirectURL: o.redirectURL ?? '',
      headersSize: -1,
      bodySize: -1,
    },
    cache: {},
    timings: { send: 0, wait: 9, receive: 1 },
  };
}

export function harDocument(entries: unknown[]): string {
  return JSON.stringify({ log: { version: '1.2', creator: { name: 'test', version: '1' }, entries } }, null, 1);
}
