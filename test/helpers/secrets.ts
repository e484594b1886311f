// The secrets of a run, collected from its unredacted trace, and a check that none of them
// (nor any 16-character slice of one) appears in some output: a HAR, a Markdown report.
import { headerValue, isExchange, type TraceEntry } from '../../src/report/trace.js';

const SECRET_PARAMS = ['code', 'code_verifier', 'client_secret', 'client_assertion', 'refresh_token', 'assertion'];
const SECRET_FIELDS = ['access_token', 'refresh_token', 'id_token'];

/** Every secret the run sent or received, from its unredacted trace. */
export function secretsOf(entries: readonly TraceEntry[]): Set<string> {
  const found = new Set<string>();
  const add = (value: string | null | undefined): void => {
    if (typeof value === 'string' && value.length >= 16) found.add(value);
  };
  for (const e of entries.filter(isExchange)) {
    const url = new URL(e.request.url);
    for (const p of SECRET_PARAMS) add(url.searchParams.get(p));
    const body = e.request.body;
    if (body !== undefined && /^[\w.~%+-]+=/.test(body)) for (const p of SECRET_PARAMS) add(new URLSearchParams(body).get(p));
    const auth = headerValue(e.request.headers, 'authorization');
    if (auth !== undefined) add(auth.replace(/^\S+\s+/, ''));
    const cookie = headerValue(e.request.headers, 'cookie');
    if (cookie !== undefined) for (const part of cookie.split(/;\s*/)) add(part.slice(part.indexOf('=') + 1));
    const location = e.response === undefined ? undefined : headerValue(e.response.headers, 'location');
    if (location !== undefined && URL.canParse(location, e.request.url)) add(new URL(location, e.request.url).searchParams.get('code'));
    if (e.response !== undefined && e.response.body.trim().startsWith('{')) {
      try {
        const json = JSON.parse(e.response.body) as Record<string, unknown>;
        for (const f of SECRET_FIELDS) add(typeof json[f] === 'string' ? json[f] : undefined);
      } catch {
        // not JSON
      }
    }
  }
  return found;
}

/** One line per secret that shows in text whole or by any 16-character slice. */
export function leakedSlices(text: string, secrets: Iterable<string>): string[] {
  const leaks: string[] = [];
  for (const s of secrets) {
    for (let i = 0; i + 16 <= s.length; i++) {
      if (text.includes(s.slice(i, i + 16))) {
        leaks.push(`${s.length}-char secret, slice at ${i}`);
        break;
      }
    }
  }
  return leaks;
}
