// A pasted curl command line (what people post on forums, what browsers' "Copy as cURL"
// gives) read into the request it sends: method, URL, headers, body. Bash quoting ('…',
// "…", $'…', backslash-newline) and Windows cmd quoting (^" and ^ line ends) are understood.
// Pure: a body given as @file is refused with a hint, never read.
import { inputError } from '../errors.js';
import type { HeaderMap } from '../report/trace.js';
import { setOwn } from '../protocol/own-property.js';
import { clip } from '../report/render/terminal-text.js';

export interface CurlRequest {
  method: string;
  url: string;
  headers: HeaderMap;
  body?: string | undefined;
}

const MAX_LENGTH = 1_000_000;

function fail(message: string): never {
  throw inputError('curl-malformed', `--curl: ${message}`, "Paste the whole command as one argument, e.g. --curl 'curl -X POST https://ehr/token -d grant_type=…'");
}

const ANSI_C: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v' };

/** Splits a command line into words as a POSIX shell would (no expansion). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const add = (text: string): void => {
    word = (word ?? '') + text;
  };
  while (i < line.length) {
    const ch = line[i] as string;
    if (ch === '\\' && (line[i + 1] === '\n' || (line[i + 1] === '\r' && line[i + 2] === '\n'))) {
      i += line[i + 1] === '\r' ? 3 : 2;
      continue;
    }
    if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
      i++;
      continue;
    }
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) fail('a single quote is not closed');
      add(line.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    if (ch === '$' && line[i + 1] === "'") {
      let j = i + 2;
      let text = '';
      while (j < line.length && line[j] !== "'") {
        if (line[j] === '\\' && j + 1 < line.length) {
          const next = line[j + 1] as string;
          const hex = /^x([0-9a-fA-F]{1,2})/.exec(line.slice(j + 1, j + 4));
          const uni = /^u([0-9a-fA-F]{4})/.exec(line.slice(j + 1, j + 6));
          if (hex !== null) {
            text += String.fromCharCode(parseInt(hex[1] ?? '0', 16));
            j += 1 + hex[0].length;
          } else if (uni !== null) {
            text += String.fromCharCode(parseInt(uni[1] ?? '0', 16));
            j += 1 + uni[0].length;
          } else {
            text += ANSI_C[next] ?? `\\${next}`;
            j += 2;
          }
          continue;
        }
        text += line[j];
        j++;
      }
      if (j >= line.length) fail("a $'…' quote is not closed");
      add(text);
      i = j + 1;
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      let text = '';
      while (j < line.length && line[j] !== '"') {
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`\n'.includes(line[j + 1] as string)) {
          if (line[j + 1] !== '\n') text += line[j + 1];
          j += 2;
          continue;
        }
        text += line[j];
        j++;
      }
      if (j >= line.length) fail('a double quote is not closed');
      add(text);
      i = j + 1;
      continue;
    }
    if (ch === '\\' && i + 1 < line.length) {
      add(line[i + 1] as string);
      i += 2;
      continue;
    }
    add(ch);
    i++;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Windows cmd quoting (Chrome's "Copy as cURL (cmd)"): ^ escapes the next character, ^ at a line end continues it. */
function fromCmd(line: string): string {
  return line
    .replace(/\^\r?\n/g, ' ')
    .replace(/\^(.)/g, '$1');
}

const TAKES_VALUE = new Set([
  '-X', '--request', '-H', '--header', '-d', '--data', '--data-raw', '--data-binary', '--data-ascii', '--data-urlencode', '--json',
  '-u', '--user', '-b', '--cookie', '-A', '--user-agent', '-e', '--referer', '--url', '-F', '--form', '--form-string', '-o', '--output',
  '--oauth2-bearer', '-m', '--max-time', '--connect-timeout', '-x', '--proxy', '--cacert', '--cert', '--key', '-E', '-c', '--cookie-jar',
  '-w', '--write-out', '--resolve', '-T', '--upload-file', '--retry', '-r', '--range', '-K', '--config', '--limit-rate', '-Y', '-y',
]);

function base64(text: string): string {
  let binary = '';
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}

function urlencodeData(value: string): string {
  // curl --data-urlencode: "content", "=content", "name=content", "@file", "name@file"
  if (/^[^=@]*@/.test(value)) fail(`--data-urlencode ${JSON.stringify(clip(value, 200))} reads a file; paste its text instead`);
  const eq = value.indexOf('=');
  if (eq < 0) return encodeURIComponent(value);
  const name = value.slice(0, eq);
  return `${name === '' ? '' : `${name}=`}${encodeURIComponent(value.slice(eq + 1))}`;
}

export function parseCurl(line: string): CurlRequest {
  if (line.length > MAX_LENGTH) fail(`the command is ${line.length} characters long; at most ${MAX_LENGTH} are read`);
  let text = line.trim();
  if (/\^\r?\n|\^"/.test(text)) text = fromCmd(text);
  const words = shellWords(text);
  if (words[0] === undefined || !/(^|[/\\])curl(\.exe)?$/i.test(words[0])) fail('the command does not start with curl');
  let method: string | undefined;
  let url: string | undefined;
  const headers: HeaderMap = {};
  const data: string[] = [];
  let get = false;
  const header = (raw: string): void => {
    const colon = raw.indexOf(':');
    if (colon <= 0) {
      if (raw.endsWith(';')) setOwn<string | string[]>(headers, raw.slice(0, -1).toLowerCase(), '');
      return;
    }
    const name = raw.slice(0, colon).trim().toLowerCase();
    const value = raw.slice(colon + 1).trim();
    if (value === '') return; // "-H 'Name:'" removes a header in curl
    // Own members only: "constructor" or "__proto__" would otherwise read Object.prototype's.
    const prev = Object.hasOwn(headers, name) ? headers[name] : undefined;
    setOwn(headers, name, prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value]);
  };
  for (let i = 1; i < words.length; i++) {
    let w = words[i] as string;
    let value: string | undefined;
    if (w.startsWith('--') && w.includes('=') && TAKES_VALUE.has(w.slice(0, w.indexOf('=')))) {
      value = w.slice(w.indexOf('=') + 1);
      w = w.slice(0, w.indexOf('='));
    } else if (/^-[A-Za-z]/.test(w) && !w.startsWith('--') && w.length > 2) {
      // -XPOST, -H'x: y', or bundled flags like -sSL / -sX POST
      const flags = w.slice(1);
      let k = 0;
      for (; k < flags.length; k++) {
        const opt = `-${flags[k] ?? ''}`;
        if (TAKES_VALUE.has(opt)) {
          w = opt;
          value = flags.slice(k + 1) === '' ? undefined : flags.slice(k + 1);
          break;
        }
        if (opt === '-G') get = true;
        if (opt === '-I') method ??= 'HEAD';
      }
      if (k === flags.length) continue;
    }
    if (TAKES_VALUE.has(w) && value === undefined) {
      i++;
      if (i >= words.length) fail(`${w} needs a value`);
      value = words[i] as string;
    }
    switch (w) {
      case '-X':
      case '--request':
        method = (value ?? '').toUpperCase();
        break;
      case '-H':
      case '--header':
        header(value ?? '');
        break;
      case '-d':
      case '--data':
      case '--data-ascii':
      case '--data-binary':
        if ((value ?? '').startsWith('@')) fail(`${w} ${clip(value ?? '', 200)} reads the body from a file; paste the body itself (or use --request-body @file)`);
        data.push(w === '--data-binary' ? (value ?? '') : (value ?? '').replace(/\r?\n/g, ''));
        break;
      case '--data-raw':
        data.push(value ?? '');
        break;
      case '--data-urlencode':
        data.push(urlencodeData(value ?? ''));
        break;
      case '--json':
        if ((value ?? '').startsWith('@')) fail(`--json ${clip(value ?? '', 200)} reads the body from a file; paste the body itself`);
        data.push(value ?? '');
        headers['content-type'] ??= 'application/json';
        headers['accept'] ??= 'application/json';
        break;
      case '-u':
      case '--user':
        headers['authorization'] = `Basic ${base64(value ?? '')}`;
        break;
      case '--oauth2-bearer':
        headers['authorization'] = `Bearer ${value ?? ''}`;
        break;
      case '-b':
      case '--cookie':
        if ((value ?? '').includes('=')) headers['cookie'] = value ?? '';
        break;
      case '-A':
      case '--user-agent':
        headers['user-agent'] = value ?? '';
        break;
      case '-e':
      case '--referer':
        headers['referer'] = value ?? '';
        break;
      case '-F':
      case '--form':
      case '--form-string':
        fail('-F sends multipart/form-data, which OAuth endpoints do not take; use -d name=value (RFC 6749 needs application/x-www-form-urlencoded)');
        break;
      case '--url':
        url = value;
        break;
      case '-G':
      case '--get':
        get = true;
        break;
      case '-I':
      case '--head':
        method ??= 'HEAD';
        break;
      default:
        if (!w.startsWith('-') && url === undefined) url = w;
    }
  }
  if (url === undefined) fail('no URL found in the command');
  const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`;
  if (!URL.canParse(absolute)) fail(`${JSON.stringify(url)} is not a URL`);
  let body = data.length > 0 ? data.join('&') : undefined;
  let finalUrl = absolute;
  if (get && body !== undefined) {
    const u = new URL(absolute);
    u.search = u.search === '' ? `?${body}` : `${u.search}&${body}`;
    finalUrl = u.href;
    body = undefined;
  }
  if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  return { method: method ?? (body !== undefined ? 'POST' : 'GET'), url: finalUrl, headers, body };
}
