// A small cookie jar for headless runs: cookies kept per host for the run, and across
// runs in a file (--cookie-jar, like curl's), written with mode 0600.
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { inputError } from '../errors.js';

interface StoredCookie {
  host: string;
  name: string;
  value: string;
  path: string;
  /** Seconds since the epoch; absent for session cookies. */
  expires?: number | undefined;
}

/** A cookie read back from the file: anything else in it is dropped, never trusted. */
function isStoredCookie(c: unknown): c is StoredCookie {
  if (typeof c !== 'object' || c === null) return false;
  const r = c as Record<string, unknown>;
  return typeof r['host'] === 'string' && typeof r['name'] === 'string' && typeof r['value'] === 'string' && typeof r['path'] === 'string' && (r['expires'] === undefined || typeof r['expires'] === 'number');
}

export class CookieJar {
  private cookies: StoredCookie[] = [];

  constructor(private readonly file?: string) {}

  static async open(file: string | undefined): Promise<CookieJar> {
    const jar = new CookieJar(file);
    if (file === undefined) return jar;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return jar;
      throw inputError('cookie-jar-unreadable', `cannot read the cookie jar "${file}"`, 'Check the path, or delete the file to start with no cookies.');
    }
    try {
      const parsed: unknown = JSON.parse(text);
      const list: unknown = typeof parsed === 'object' && parsed !== null ? (parsed as { cookies?: unknown }).cookies : undefined;
      jar.cookies = Array.isArray(list) ? list.filter(isStoredCookie) : [];
    } catch {
      throw inputError('cookie-jar-malformed', `the cookie jar "${file}" is not smartctl's JSON cookie file`, 'Delete it; smartctl writes a new one.');
    }
    return jar;
  }

  get size(): number {
    return this.cookies.length;
  }

  /** The Cookie header for a URL, or undefined. Cookies match by host (not port), as browsers do. */
  header(url: URL, nowSeconds: number): string | undefined {
    const live = this.cookies.filter((c) => c.host === url.hostname && url.pathname.startsWith(c.path) && (c.expires === undefined || c.expires > nowSeconds));
    return live.length === 0 ? undefined : live.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  store(url: URL, setCookie: string | string[] | undefined, nowSeconds: number): void {
    for (const line of Array.isArray(setCookie) ? setCookie : setCookie === undefined ? [] : [setCookie]) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const cookie: StoredCookie = { host: url.hostname, name: pair.slice(0, eq), value: pair.slice(eq + 1), path: '/' };
      for (const attr of attrs) {
        const [k = '', v = ''] = attr.split('=');
        if (k.toLowerCase() === 'path' && v.startsWith('/')) cookie.path = v;
        if (k.toLowerCase() === 'max-age' && /^-?\d+$/.test(v)) cookie.expires = nowSeconds + Number(v);
        if (k.toLowerCase() === 'expires' && !Number.isNaN(Date.parse(v))) cookie.expires = Math.floor(Date.parse(v) / 1000);
      }
      this.cookies = this.cookies.filter((c) => !(c.host === cookie.host && c.name === cookie.name && c.path === cookie.path));
      if (cookie.expires === undefined || cookie.expires > nowSeconds) this.cookies.push(cookie);
    }
  }

  async save(): Promise<void> {
    if (this.file === undefined) return;
    await writeFile(this.file, `${JSON.stringify({ note: 'smartctl cookie jar: session cookies, keep private', cookies: this.cookies }, null, 2)}\n`, { mode: 0o600 });
    await chmod(this.file, 0o600);
  }
}
