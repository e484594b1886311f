// A streaming HAR 1.2 reader (http://www.softwareishard.com/blog/har-12-spec/). Text comes
// in as chunks; the scanner walks the document's structure (strings, escapes, depth) and
// hands out each element of log.entries as soon as its closing brace arrives, parsed on
// its own. A 50 MB HAR is never one string, nor one parsed tree. Pure: no fs, no process.
//
// What real tools write, all read here: Chrome DevTools and playwright recordHar
// (content.text, base64 `encoding`, `_`-prefixed custom fields such as _resourceType and
// _error, postData.text and postData.params), Firefox, Charles, mitmproxy's har_dump and
// Fiddler exports (headers and cookies as arrays of {name, value}, queryString, redirects
// as 30x + redirectURL); a leading BOM, CRLF line ends.
import { inputError, type SmartctlError } from '../errors.js';

export interface HarNameValue {
  name: string;
  value: string;
}

export interface HarPostData {
  mimeType?: string | undefined;
  text?: string | undefined;
  params?: HarNameValue[] | undefined;
}

export interface HarRequest {
  method: string;
  url: string;
  headers: HarNameValue[];
  queryString: HarNameValue[];
  cookies: HarNameValue[];
  postData?: HarPostData | undefined;
}

export interface HarContent {
  size?: number | undefined;
  mimeType?: string | undefined;
  text?: string | undefined;
  /** "base64" when text is base64 (Chrome, playwright for binary or all bodies). */
  encoding?: string | undefined;
}

export interface HarResponse {
  /** 0 (Chrome) or -1 (playwright) when the request failed. */
  status: number;
  statusText?: string | undefined;
  headers: HarNameValue[];
  cookies: HarNameValue[];
  content: HarContent;
  redirectURL?: string | undefined;
}

export interface HarEntry {
  /** Position in log.entries, from 0. */
  index: number;
  startedDateTime?: string | undefined;
  /** Total time in ms. */
  time?: number | undefined;
  request: HarRequest;
  response?: HarResponse | undefined;
  /** Chrome's _resourceType: document, xhr, fetch, image, script, stylesheet ... */
  resourceType?: string | undefined;
  /** Why the request failed (Chrome's _error, a 0 status). */
  error?: string | undefined;
}

/** What the HAR says about itself (log.creator, log.browser, log.version). */
export interface HarLogInfo {
  version?: string | undefined;
  creator?: string | undefined;
  browser?: string | undefined;
}

const HINT = 'Save the HAR again from the browser or proxy (DevTools: Network, "Save all as HAR with content"); smartctl reads HAR 1.2 JSON.';
/** Nesting deeper than this is not a HAR entry (and would only cost stack later). */
export const MAX_DEPTH = 512;
/** One entry larger than this cannot be a real exchange worth reading. */
export const MAX_ENTRY_CHARS = 256 * 1024 * 1024;
/** Values outside log.entries up to this size are parsed to check them; longer ones only scanned. */
const MAX_CHECKED_OTHER = 1024 * 1024;

/** Text from the file, quoted for a short one-line message: cut at 60 characters, anything but printable ASCII escaped (never drives the terminal). */
function quote(full: string): string {
  const text = full.length > 60 ? `${full.slice(0, 57)}...` : full;
  return `"${text.replace(/[^\x20-\x7e]|["\\]/g, (c) => (c === '"' || c === '\\' ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))}"`;
}

function harError(message: string): SmartctlError {
  return inputError('har-malformed', message, HINT);
}

const enum C {
  Tab = 9,
  Lf = 10,
  Cr = 13,
  Space = 32,
  Quote = 34,
  Comma = 44,
  Colon = 58,
  OpenSquare = 91,
  Backslash = 92,
  CloseSquare = 93,
  OpenCurly = 123,
  CloseCurly = 125,
  Bom = 0xfeff,
}

function isSpace(c: number): boolean {
  return c === C.Space || c === C.Lf || c === C.Cr || c === C.Tab;
}

type Where = 'root' | 'log' | 'entries';
type ObjectState = 'keyOrEnd' | 'key' | 'colon' | 'value' | 'commaOrEnd';
type ArrayState = 'valueOrEnd' | 'value' | 'commaOrEnd';

interface Frame {
  where: Where;
  state: ObjectState | ArrayState;
  key?: string | undefined;
}

/** A value being captured: an entry, or a value outside log.entries that is skipped. */
interface Capture {
  kind: 'entry' | 'other';
  /** For 'other': the key it belongs to (log.creator ...). */
  key: string;
  pieces: string[];
  size: number;
  keep: boolean;
  /** '{' or '[' nesting: the closers expected, innermost last. */
  closers: number[];
  inString: boolean;
  escape: boolean;
  /** A number, true, false or null: ends at the first delimiter. */
  scalar: boolean;
  /** Whether captureStep has passed the first character. */
  opened: boolean;
  done: boolean;
}

const STRUCTURAL = /["{}[\]]/g;
const SCALAR_END = /[\s,\]}]/g;
const SCALAR = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)$/;

/**
 * Push text in, get parsed log.entries elements out (raw JSON values, in order); `end()`
 * checks the document was complete. Throws inputError('har-malformed') with what and where.
 */
export class HarScanner {
  private stack: Frame[] = [];
  private phase: 'start' | 'body' | 'done' = 'start';
  private capture: Capture | undefined;
  private keyPieces: string[] | undefined;
  private keyEscape = false;
  private line = 1;
  private sawEntries = false;
  private entryCount = 0;
  private first = true;
  readonly info: HarLogInfo = {};

  /** Entries completed by this chunk (raw parsed values). */
  push(chunk: string): unknown[] {
    const out: unknown[] = [];
    let i = 0;
    if (this.first && chunk.length > 0) {
      this.first = false;
      if (chunk.charCodeAt(0) === C.Bom) i = 1;
    }
    const n = chunk.length;
    try {
      while (i < n) {
        if (this.capture !== undefined) {
          i = this.captureStep(chunk, i, this.capture);
          if (this.capture.done) {
            const finished = this.capture;
            this.capture = undefined;
            this.finishCapture(finished, out, i);
          }
          continue;
        }
        if (this.keyPieces !== undefined) {
          i = this.keyStep(chunk, i);
          continue;
        }
        const c = chunk.charCodeAt(i);
        if (isSpace(c)) {
          i++;
          continue;
        }
        i += this.structure(c, chunk, i);
      }
    } catch (error) {
      if (error instanceof HarPosition) throw harError(`${error.message} (line ${this.lineAt(chunk, error.index)})`);
      throw error;
    }
    this.advance(chunk);
    return out;
  }

  /** The document ended: complains if it stopped inside something or had no log.entries. */
  end(): void {
    if (this.capture !== undefined) {
      throw harError(this.capture.kind === 'entry' ? `the HAR ends inside entry ${this.entryCount + 1} (line ${this.line}): the file is truncated` : `the HAR ends inside ${quote(this.capture.key)} (line ${this.line}): the file is truncated`);
    }
    if (this.phase === 'start') throw harError('the file is empty: no HAR JSON object');
    if (this.phase !== 'done') throw harError(`the HAR ends before its closing brace (line ${this.line}): the file is truncated`);
    if (!this.sawEntries) throw harError('the JSON has no log.entries array: not a HAR file');
  }

  private advance(chunk: string): void {
    let at = chunk.indexOf('\n');
    while (at !== -1) {
      this.line++;
      at = chunk.indexOf('\n', at + 1);
    }
  }

  private lineAt(chunk: string, index: number): number {
    let line = this.line;
    let at = chunk.indexOf('\n');
    while (at !== -1 && at < index) {
      line++;
      at = chunk.indexOf('\n', at + 1);
    }
    return line;
  }

  /** One structural character outside captured values; returns how many it consumed (0 when a capture starts on it). */
  private structure(c: number, chunk: string, i: number): number {
    const fail = (what: string): never => {
      throw new HarPosition(what, i);
    };
    const shown = (): string => quote(chunk.slice(i, i + 12));
    if (this.phase === 'start') {
      if (c === 0x1f) fail('the file looks gzip-compressed (.har.gz): decompress it first');
      if (chunk.startsWith('PK', i)) fail('the file looks like a ZIP archive (a Fiddler .saz?): export the session as HAR');
      if (c !== C.OpenCurly) fail(c === C.OpenSquare ? 'the JSON is an array, not a HAR object with "log"' : `expected a JSON object ("{"), got ${shown()}: not a HAR file`);
      this.stack.push({ where: 'root', state: 'keyOrEnd' });
      this.phase = 'body';
      return 1;
    }
    if (this.phase === 'done') fail(`unexpected ${shown()} after the end of the HAR object`);
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) return fail('internal scanner state');
    const path = top.where === 'root' ? 'the top-level object' : top.where === 'log' ? '"log"' : '"log.entries"';
    if (top.where === 'entries') {
      if (top.state === 'commaOrEnd') {
        if (c === C.Comma) top.state = 'value';
        else if (c === C.CloseSquare) this.pop();
        else fail(`expected "," or "]" after entry ${this.entryCount} in "log.entries", got ${shown()}`);
        return 1;
      }
      if (c === C.CloseSquare && top.state === 'valueOrEnd') {
        this.pop();
        return 1;
      }
      if (c === C.CloseSquare) fail(`a "," before "]" in "log.entries" after entry ${this.entryCount}`);
      this.startCapture('entry', 'entry', c, i);
      top.state = 'commaOrEnd';
      return 0;
    }
    switch (top.state) {
      case 'keyOrEnd':
      case 'key':
        if (c === C.CloseCurly && top.state === 'keyOrEnd') {
          this.pop();
          return 1;
        }
        if (c !== C.Quote) fail(`expected a key in ${path}, got ${shown()}`);
        this.keyPieces = [];
        this.keyEscape = false;
        top.state = 'colon';
        return 1;
      case 'colon':
        if (c !== C.Colon) fail(`expected ":" after ${quote(top.key ?? '')} in ${path}, got ${shown()}`);
        top.state = 'value';
        return 1;
      case 'value': {
        top.state = 'commaOrEnd';
        const key = top.key ?? '';
        if (top.where === 'root' && key === 'log') {
          if (c !== C.OpenCurly) fail('"log" is not an object');
          this.stack.push({ where: 'log', state: 'keyOrEnd' });
          return 1;
        }
        if (top.where === 'log' && key === 'entries') {
          if (c !== C.OpenSquare) fail('"log.entries" is not an array');
          this.sawEntries = true;
          this.stack.push({ where: 'entries', state: 'valueOrEnd' });
          return 1;
        }
        this.startCapture('other', top.where === 'log' ? `log.${key}` : key, c, i);
        return 0;
      }
      case 'commaOrEnd':
        if (c === C.Comma) top.state = 'key';
        else if (c === C.CloseCurly) this.pop();
        else fail(`expected "," or "}" in ${path}, got ${shown()}`);
        return 1;
      default:
        return fail('internal scanner state');
    }
  }

  private pop(): void {
    this.stack.pop();
    if (this.stack.length === 0) this.phase = 'done';
  }

  /** Reads a key string (keys of the top-level and log objects are short), across chunks. */
  private keyStep(chunk: string, i: number): number {
    const pieces = this.keyPieces as string[];
    const start = i;
    for (; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.keyEscape) {
        this.keyEscape = false;
        continue;
      }
      if (c === C.Backslash) this.keyEscape = true;
      else if (c === C.Quote) {
        pieces.push(chunk.slice(start, i));
        const raw = pieces.join('');
        this.keyPieces = undefined;
        const top = this.stack[this.stack.length - 1];
        let key: string;
        try {
          key = JSON.parse(`"${raw}"`) as string;
        } catch {
          throw new HarPosition(`a key is not a valid JSON string: ${quote(raw.slice(0, 40))}`, i);
        }
        if (top !== undefined) top.key = key;
        return i + 1;
      }
    }
    pieces.push(chunk.slice(start));
    if (pieces.reduce((sum, p) => sum + p.length, 0) > 65_536) throw new HarPosition('a key of the HAR object is longer than 64 KB', i);
    return i;
  }

  private startCapture(kind: Capture['kind'], key: string, c: number, i: number): void {
    const cap: Capture = { kind, key, pieces: [], size: 0, keep: true, closers: [], inString: false, escape: false, scalar: false, opened: false, done: false };
    if (c === C.OpenCurly) cap.closers.push(C.CloseCurly);
    else if (c === C.OpenSquare) cap.closers.push(C.CloseSquare);
    else if (c === C.Quote) cap.inString = true;
    else if (c === C.CloseCurly || c === C.CloseSquare || c === C.Comma || c === C.Colon) throw new HarPosition(kind === 'entry' ? `entry ${this.entryCount + 1} is missing (a stray ${String.fromCharCode(c)})` : `a value is missing for ${quote(key)}`, i);
    else cap.scalar = true;
    this.capture = cap;
  }

  /** Advances a capture through chunk from i; returns where it stopped. */
  private captureStep(chunk: string, i: number, cap: Capture): number {
    const from = i;
    const n = chunk.length;
    if (!cap.opened) {
      cap.opened = true;
      i++; // the opening { [ " or the first scalar character, already counted by startCapture
    }
    if (cap.scalar) {
      SCALAR_END.lastIndex = i;
      const m = SCALAR_END.exec(chunk);
      const stop = m === null ? n : m.index;
      this.keepPiece(cap, chunk, from, stop);
      if (m !== null) cap.done = true;
      return stop;
    }
    while (i < n) {
      if (cap.inString) {
        if (cap.escape) {
          cap.escape = false;
          i++;
          continue;
        }
        i = this.skipString(chunk, i, cap);
        if (cap.inString) break;
        if (cap.closers.length === 0) {
          cap.done = true;
          break;
        }
        continue;
      }
      STRUCTURAL.lastIndex = i;
      const m = STRUCTURAL.exec(chunk);
      if (m === null) {
        i = n;
        break;
      }
      const c = chunk.charCodeAt(m.index);
      i = m.index + 1;
      if (c === C.Quote) cap.inString = true;
      else if (c === C.OpenCurly || c === C.OpenSquare) {
        cap.closers.push(c === C.OpenCurly ? C.CloseCurly : C.CloseSquare);
        if (cap.closers.length > MAX_DEPTH) throw new HarPosition(`${this.captureName(cap)} nests deeper than ${MAX_DEPTH} levels`, i - 1);
      } else {
        const want = cap.closers.pop();
        if (want !== c) throw new HarPosition(`${this.captureName(cap)} has a "${String.fromCharCode(c)}" where "${want === undefined ? '' : String.fromCharCode(want)}" belongs`, i - 1);
        if (cap.closers.length === 0) {
          cap.done = true;
          break;
        }
      }
    }
    this.keepPiece(cap, chunk, from, i);
    return i;
  }

  /**
   * Inside a string from i: jumps from quote to quote (indexOf), a quote after an odd run of
   * backslashes being escaped. Returns the index after the closing quote, or the chunk's end
   * (then cap.escape says whether the chunk ended on an unpaired backslash).
   */
  private skipString(chunk: string, i: number, cap: Capture): number {
    const n = chunk.length;
    let lo = i;
    for (;;) {
      const q = chunk.indexOf('"', lo);
      const end = q === -1 ? n : q;
      let run = 0;
      for (let k = end - 1; k >= lo && chunk.charCodeAt(k) === C.Backslash; k--) run++;
      if (q === -1) {
        cap.escape = run % 2 === 1;
        return n;
      }
      if (run % 2 === 0) {
        cap.inString = false;
        return q + 1;
      }
      lo = q + 1;
    }
  }

  private keepPiece(cap: Capture, chunk: string, from: number, to: number): void {
    cap.size += to - from;
    if (cap.kind === 'entry' && cap.size > MAX_ENTRY_CHARS) throw new HarPosition(`entry ${this.entryCount + 1} is larger than ${MAX_ENTRY_CHARS / 1024 / 1024} MB`, to);
    if (cap.kind === 'other' && cap.size > MAX_CHECKED_OTHER) {
      cap.keep = false;
      cap.pieces = [];
    }
    if (cap.keep && to > from) cap.pieces.push(from === 0 && to === chunk.length ? chunk : chunk.slice(from, to));
  }

  private captureName(cap: Capture): string {
    return cap.kind === 'entry' ? `entry ${this.entryCount + 1}` : quote(cap.key);
  }

  private finishCapture(cap: Capture, out: unknown[], i: number): void {
    if (cap.kind === 'entry') this.entryCount++;
    if (!cap.keep) return;
    const text = cap.pieces.length === 1 ? (cap.pieces[0] as string) : cap.pieces.join('');
    cap.pieces = [];
    if (cap.scalar && !SCALAR.test(text)) throw new HarPosition(`${cap.kind === 'entry' ? `entry ${this.entryCount}` : quote(cap.key)} is not valid JSON: ${quote(text.slice(0, 40))}`, i);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const why = error instanceof Error ? quote(error.message.replace(/\s+/g, ' ').slice(0, 120)).slice(1, -1) : 'not JSON';
      throw new HarPosition(`${cap.kind === 'entry' ? `entry ${this.entryCount}` : quote(cap.key)} is not valid JSON (${why})`, i);
    }
    if (cap.kind === 'entry') {
      out.push(value);
      return;
    }
    if (cap.key === 'log.version' && typeof value === 'string') this.info.version = value;
    if ((cap.key === 'log.creator' || cap.key === 'log.browser') && isRecord(value) && typeof value['name'] === 'string') {
      const label = typeof value['version'] === 'string' && value['version'] !== '' ? `${value['name']} ${value['version']}` : value['name'];
      if (cap.key === 'log.creator') this.info.creator = label;
      else this.info.browser = label;
    }
  }
}

/** A scanner failure at a position in the current chunk (turned into a line number). */
class HarPosition extends Error {
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(message);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- one entry: check the shape, keep what diagnosis reads --------------------------

function optionalString(where: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  throw harError(`${where} is not a string`);
}

function optionalNumber(where: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  throw harError(`${where} is not a number`);
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === undefined || value === null) return '';
  return undefined;
}

/** HAR name/value lists (headers, cookies, queryString, params); an object map is accepted too. */
function nameValues(where: string, value: unknown): HarNameValue[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) {
    return value.map((item, i) => {
      if (!isRecord(item) || typeof item['name'] !== 'string') throw harError(`${where}[${i}] is not a {name, value} object`);
      const text = scalarText(item['value']);
      if (text === undefined) throw harError(`${where}[${i}].value is not a string`);
      return { name: item['name'], value: text };
    });
  }
  if (isRecord(value)) {
    return Object.entries(value).map(([name, v]) => {
      const text = scalarText(v);
      if (text === undefined) throw harError(`${where}.${quote(name)} is not a string`);
      return { name, value: text };
    });
  }
  throw harError(`${where} is not an array`);
}

function readPostData(where: string, value: unknown): HarPostData | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw harError(`${where} is not an object`);
  return {
    mimeType: optionalString(`${where}.mimeType`, value['mimeType']),
    text: optionalString(`${where}.text`, value['text']),
    params: value['params'] === undefined ? undefined : nameValues(`${where}.params`, value['params']),
  };
}

function readContent(where: string, value: unknown): HarContent {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw harError(`${where} is not an object`);
  return {
    size: optionalNumber(`${where}.size`, value['size']),
    mimeType: optionalString(`${where}.mimeType`, value['mimeType']),
    text: optionalString(`${where}.text`, value['text']),
    encoding: optionalString(`${where}.encoding`, value['encoding']),
  };
}

/** Checks one parsed element of log.entries and keeps the parts diagnosis reads. */
export function harEntry(index: number, value: unknown): HarEntry {
  const at = `entry ${index + 1}`;
  if (!isRecord(value)) throw harError(`${at} is not an object`);
  const request = value['request'];
  if (!isRecord(request)) throw harError(`${at}: request is not an object`);
  const method = request['method'];
  const url = request['url'];
  if (typeof method !== 'string' || method === '') throw harError(`${at}: request.method is not a string`);
  if (typeof url !== 'string') throw harError(`${at}: request.url is not a string`);
  const entry: HarEntry = {
    index,
    startedDateTime: optionalString(`${at}: startedDateTime`, value['startedDateTime']),
    time: optionalNumber(`${at}: time`, value['time']),
    request: {
      method: method.toUpperCase(),
      url,
      headers: nameValues(`${at}: request.headers`, request['headers']),
      queryString: nameValues(`${at}: request.queryString`, request['queryString']),
      cookies: nameValues(`${at}: request.cookies`, request['cookies']),
      postData: readPostData(`${at}: request.postData`, request['postData']),
    },
    resourceType: typeof value['_resourceType'] === 'string' ? value['_resourceType'] : undefined,
  };
  const response = value['response'];
  if (response !== undefined && response !== null) {
    if (!isRecord(response)) throw harError(`${at}: response is not an object`);
    const status = optionalNumber(`${at}: response.status`, response['status']);
    entry.response = {
      status: status === undefined ? 0 : Math.trunc(status),
      statusText: typeof response['statusText'] === 'string' ? response['statusText'] : undefined,
      headers: nameValues(`${at}: response.headers`, response['headers']),
      cookies: nameValues(`${at}: response.cookies`, response['cookies']),
      content: readContent(`${at}: response.content`, response['content']),
      redirectURL: typeof response['redirectURL'] === 'string' && response['redirectURL'] !== '' ? response['redirectURL'] : undefined,
    };
    const failure = response['_error'] ?? value['_error'] ?? response['_failureText'];
    if (typeof failure === 'string' && failure !== '') entry.error = failure;
  } else if (typeof value['_error'] === 'string') entry.error = value['_error'];
  return entry;
}

/** The response body as text: base64 decoded when the HAR says so. */
export function contentText(content: HarContent): string | undefined {
  if (content.text === undefined) return undefined;
  if (content.encoding?.toLowerCase() !== 'base64') return content.text;
  return Buffer.from(content.text, 'base64').toString('utf8');
}

/** Every entry of a HAR arriving as text chunks, one at a time, checked. */
export async function* readHarEntries(chunks: AsyncIterable<string> | Iterable<string>, info?: HarLogInfo): AsyncGenerator<HarEntry> {
  const scanner = new HarScanner();
  let index = 0;
  for await (const chunk of chunks) {
    for (const raw of scanner.push(chunk)) yield harEntry(index++, raw);
  }
  scanner.end();
  if (info !== undefined) Object.assign(info, scanner.info);
}

/** The same for a HAR held as one string (tests, small files). */
export function readHarText(text: string): { entries: HarEntry[]; info: HarLogInfo } {
  const scanner = new HarScanner();
  const raws = scanner.push(text);
  scanner.end();
  return { entries: raws.map((raw, i) => harEntry(i, raw)), info: scanner.info };
}
