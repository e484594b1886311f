// A small cookie jar for headless runs: cookies kept per host for the run, and across
// runs in a file (--cookie-jar, like curl's), written with mode 0600. Runs may share the
// file: it is written atomically (a temp file renamed over it, so a reader never sees half
// a file) and merged under a lock file (re-read, then this run's own changes applied), so
// concurrent runs never lose each other's cookies.
import { randomBytes } from 'node:crypto';
import { chmod, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
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

const cookieKey = (c: Pick<StoredCookie, 'host' | 'name' | 'path'>): string => `${c.host}\t${c.name}\t${c.path}`;

/** Waits for the lock this long before giving up; a lock older than STALE_LOCK_MS is left over from a killed run. */
const LOCK_WAIT_MS = 10_000;
const STALE_LOCK_MS = 30_000;

async function readJarFile(file: string): Promise<StoredCookie[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return [];
    throw inputError('cookie-jar-unreadable', `cannot read the cookie jar "${file}"`, 'Check the path, or delete the file to start with no cookies.');
  }
  try {
    const parsed: unknown = JSON.parse(text);
    const list: unknown = typeof parsed === 'object' && parsed !== null ? (parsed as { cookies?: unknown }).cookies : undefined;
    return Array.isArray(list) ? list.filter(isStoredCookie) : [];
  } catch {
    throw inputError('cookie-jar-malformed', `the cookie jar "${file}" is not smartctl's JSON cookie file`, 'Delete it; smartctl writes a new one.');
  }
}

/** An exclusive lock file beside the jar (O_EXCL create); returns its release. */
async function lockJar(file: string): Promise<() => Promise<void>> {
  const lock = `${file}.lock`;
  const started = Date.now();
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      const handle = await open(lock, 'wx', 0o600);
      await handle.close();
      return () => unlink(lock).catch(() => undefined);
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw inputError('cookie-jar-unwritable', `cannot lock the cookie jar "${file}" (${lock})`, 'Check that its directory is writable.');
    }
    const age = await stat(lock).then((st) => Date.now() - st.mtimeMs, () => 0);
    if (age > STALE_LOCK_MS) await unlink(lock).catch(() => undefined);
    else if (Date.now() - started > LOCK_WAIT_MS) throw inputError('cookie-jar-locked', `the cookie jar "${file}" stayed locked for ${LOCK_WAIT_MS / 1000} s`, `Another smartctl run holds ${lock}; if none is running, delete that file.`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

export class CookieJar {
  private cookies: StoredCookie[] = [];
  /** What this run set (a cookie) or removed (null), by host, name and path: merged into the file on save. */
  private readonly changes = new Map<string, StoredCookie | null>();

  constructor(private readonly file?: string) {}

  static async open(file: string | undefined): Promise<CookieJar> {
    const jar = new CookieJar(file);
    if (file === undefined) return jar;
    jar.cookies = await readJarFile(file);
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
      const live = cookie.expires === undefined || cookie.expires > nowSeconds;
      if (live) this.cookies.push(cookie);
      this.changes.set(cookieKey(cookie), live ? cookie : null);
    }
  }

  /** Merges this run's changes into the file as it is now, under the lock, and renames a 0600 temp file over it. */
  async save(): Promise<void> {
    if (this.file === undefined) return;
    const file = this.file;
    const release = await lockJar(file);
    try {
      const merged = new Map((await readJarFile(file)).map((c) => [cookieKey(c), c]));
      for (const [key, cookie] of this.changes) {
        if (cookie === null) merged.delete(key);
        else merged.set(key, cookie);
      }
      this.cookies = [...merged.values()];
      const temp = `${file}.${randomBytes(8).toString('hex')}.tmp`;
      try {
        await writeFile(temp, `${JSON.stringify({ note: 'smartctl cookie jar: session cookies, keep private', cookies: this.cookies }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
        await chmod(temp, 0o600);
        await rename(temp, file);
      } catch {
        await unlink(temp).catch(() => undefined);
        throw inputError('cookie-jar-unwritable', `cannot write the cookie jar "${file}"`, 'Check that the file and its directory are writable.');
      }
    } finally {
      await release();
    }
  }
}
