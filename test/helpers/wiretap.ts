// A wiretap on the node:http servers of a process (the sandbox, smartctl's loopback
// listener): every request and response they handle, bodies included, recorded through
// node:diagnostics_channel ('http.server.request.start') without changing what the server
// does. The tests learn a run's secrets from it — the codes, tokens, verifiers, client
// secrets, assertions and cookies that went over the wire — and then look for them in the
// run's outputs. In the test process: tapHttpServers(); in a smartctl subprocess:
// wiretapEnv() loads ./wiretap-preload.js there, which writes what it saw to a file at exit.
import diagnostics from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HeaderMap, HttpExchange } from '../../src/report/trace.js';

const CHANNEL = 'http.server.request.start';

export interface Wiretap {
  /** What the servers handled so far, in arrival order (a response still being written has none yet). */
  exchanges(): HttpExchange[];
  stop(): void;
}

interface RequestStart {
  request: IncomingMessage;
  response: ServerResponse;
  socket: Socket;
}

function toBuffer(chunk: unknown, encoding: unknown): Buffer | undefined {
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk);
  return undefined;
}

function headerMap(headers: OutgoingHttpHeaders | IncomingMessage['headers']): HeaderMap {
  const out: HeaderMap = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return out;
}

/** writeHead(status, [message], [headers]): headers as an object, [[k, v]...] or [k, v, k, v...]. */
function writeHeadHeaders(args: unknown[]): HeaderMap {
  const given = args.find((a, i) => i > 0 && typeof a === 'object' && a !== null);
  if (given === undefined) return {};
  if (!Array.isArray(given)) return headerMap(given as OutgoingHttpHeaders);
  const pairs: Array<[string, string]> = Array.isArray(given[0]) ? (given as Array<[string, string]>) : [];
  if (pairs.length === 0) for (let i = 0; i + 1 < given.length; i += 2) pairs.push([String(given[i]), String(given[i + 1])]);
  const out: HeaderMap = {};
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    const before = out[key];
    out[key] = before === undefined ? String(value) : [...(Array.isArray(before) ? before : [before]), String(value)];
  }
  return out;
}

function record(m: RequestStart, into: HttpExchange[], nextId: () => number): void {
  const { request, response } = m;
  const requestChunks: Buffer[] = [];
  const responseChunks: Buffer[] = [];
  const exchange: HttpExchange = {
    type: 'exchange',
    id: nextId(),
    step: 'wire',
    request: { method: request.method ?? 'GET', url: `http://${request.headers.host ?? `127.0.0.1:${m.socket.localPort ?? 0}`}${request.url ?? '/'}`, headers: headerMap(request.headers) },
    startedAt: new Date().toISOString(),
    durationMs: 0,
  };
  into.push(exchange);
  // The parser hands body chunks to push(): seen here, read by the server as before.
  const push = request.push.bind(request);
  request.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    const b = toBuffer(chunk, encoding);
    if (b !== undefined) {
      requestChunks.push(b);
      exchange.request.body = Buffer.concat(requestChunks).toString('utf8');
    }
    return push(chunk, encoding);
  };
  let status = 200;
  let headers: HeaderMap = {};
  const writeHead = response.writeHead.bind(response) as (...a: unknown[]) => ServerResponse;
  response.writeHead = ((...args: unknown[]) => {
    status = typeof args[0] === 'number' ? args[0] : status;
    headers = { ...headerMap(response.getHeaders()), ...writeHeadHeaders(args) };
    return writeHead(...args);
  }) as ServerResponse['writeHead'];
  const write = response.write.bind(response) as (...a: unknown[]) => boolean;
  response.write = ((...args: unknown[]) => {
    const b = toBuffer(args[0], args[1]);
    if (b !== undefined) responseChunks.push(b);
    return write(...args);
  }) as ServerResponse['write'];
  const end = response.end.bind(response) as (...a: unknown[]) => ServerResponse;
  response.end = ((...args: unknown[]) => {
    const b = toBuffer(args[0], args[1]);
    if (b !== undefined) responseChunks.push(b);
    return end(...args);
  }) as ServerResponse['end'];
  response.once('finish', () => {
    exchange.response = { status, headers: Object.keys(headers).length > 0 ? headers : headerMap(response.getHeaders()), body: Buffer.concat(responseChunks).toString('utf8') };
  });
}

/** Taps this process's HTTP servers; `accept` picks them by local port (default: all). */
export function tapHttpServers(accept: (port: number) => boolean = () => true): Wiretap {
  const seen: HttpExchange[] = [];
  let id = 1;
  const onMessage = (message: unknown): void => {
    const m = message as RequestStart;
    if (accept(m.socket.localPort ?? 0)) record(m, seen, () => id++);
  };
  diagnostics.subscribe(CHANNEL, onMessage);
  return {
    exchanges: () => [...seen],
    stop: () => diagnostics.unsubscribe(CHANNEL, onMessage),
  };
}

/** The variable that tells wiretap-preload.js where to write. */
export const WIRETAP_FILE_VARIABLE = 'SMARTCTL_TEST_WIRETAP_FILE';

const PRELOAD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'wiretap-preload.js');

/** Environment for a smartctl subprocess whose own servers (its sandbox, its loopback listener) are tapped into `file`. */
export function wiretapEnv(file: string): Record<string, string> {
  return { NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --import=${pathToFileURL(PRELOAD).href}`.trim(), [WIRETAP_FILE_VARIABLE]: file };
}

/** What a tapped subprocess wrote at exit (a missing file means the tap did not load: the test fails). */
export function readWiretapFile(file: string): HttpExchange[] {
  return JSON.parse(readFileSync(file, 'utf8')) as HttpExchange[];
}
