// The loopback redirect listener (RFC 8252 §7.3): binds 127.0.0.1 only, at the redirect
// URI's port and path (an ephemeral port when none is given). It accepts exactly one
// valid callback, and none before the authorize request exists (setExpectedState): until
// then every callback is refused, and an empty state never matches. A wrong state is
// recorded and the listener keeps waiting. With an
// EHR launch it also serves the app's launch URL (/launch) and hands over iss + launch.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { usageError } from '../errors.js';
import type { Trace } from '../report/trace.js';

export type CallbackResult =
  | { kind: 'code'; code: string; state: string; url: string; params: URLSearchParams }
  | { kind: 'error'; error: string; error_description?: string | undefined; error_uri?: string | undefined; url: string };

export interface LaunchRequest {
  iss: string;
  launch: string;
}

export interface LoopbackListener {
  /** The redirect URI to register and send (http://127.0.0.1:PORT/path). */
  redirectUri: string;
  /** The EHR launch URL this listener serves (http://127.0.0.1:PORT/launch). */
  launchUrl: string;
  /** Serves a page that POSTs the authorize request (authorize-post) and returns its URL. */
  servePostForm(action: string, params: URLSearchParams): string;
  /** Callbacks refused for their state: wrong, missing, or sent before the authorize request existed. */
  rejectedStates: Array<{ got: string | null; url: string; reason: 'before-authorize' | 'state-mismatch' }>;
  /** The state of the authorize request just built; callbacks are accepted only from then on. */
  setExpectedState(state: string): void;
  waitForCallback(timeoutMs: number): Promise<CallbackResult | undefined>;
  waitForLaunch(timeoutMs: number): Promise<LaunchRequest | undefined>;
  close(): Promise<void>;
}

export interface ListenerOptions {
  /** The redirect URI the user gave; its host must be loopback and its scheme http. */
  redirectUri?: string | undefined;
  port?: number | undefined;
  trace: Trace;
  now: () => Date;
}

const PAGE = (title: string, body: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title><style>body{font-family:system-ui,sans-serif;max-width:40em;margin:4em auto;line-height:1.5}h1{font-size:1.4em}code{background:#eee;padding:0 .2em}</style></head><body><h1>${title}</h1>${body}</body></html>`;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function parseRedirectUri(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageError('redirect-uri-invalid', `--redirect-uri "${value}" is not an absolute URL`, 'Use a loopback URL such as http://127.0.0.1:8765/callback');
  }
  if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw usageError('redirect-uri-not-loopback', `--redirect-uri "${value}" is not a loopback http URL`, 'smartctl listens on this machine only: use http://127.0.0.1:<port>/<path> (RFC 8252 §7.3) and register it with the server.');
  }
  return url;
}

export async function startLoopbackListener(o: ListenerOptions): Promise<LoopbackListener> {
  const wanted = o.redirectUri === undefined ? undefined : parseRedirectUri(o.redirectUri);
  const path = wanted?.pathname ?? '/callback';
  const port = wanted?.port !== undefined && wanted.port !== '' ? Number(wanted.port) : (o.port ?? 0);
  // Undefined until the authorize request is built: no callback can belong to this run before.
  let expectedState: string | undefined;
  let settleCallback: ((r: CallbackResult) => void) | undefined;
  let settleLaunch: ((r: LaunchRequest) => void) | undefined;
  const callbackReceived = new Promise<CallbackResult>((resolve) => (settleCallback = resolve));
  const launchReceived = new Promise<LaunchRequest>((resolve) => (settleLaunch = resolve));
  let done = false;
  let postForm: { action: string; params: URLSearchParams } | undefined;
  const rejectedStates: LoopbackListener['rejectedStates'] = [];
  const event = (name: string, message: string, data?: Record<string, unknown>): void => {
    o.trace.addEvent({ at: o.now().toISOString(), name, message, data });
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, title: string, body: string): void => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(PAGE(title, body));
    };
    if (url.pathname === '/authorize-post' && postForm !== undefined) {
      const fields = [...postForm.params].map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('');
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
        .end(PAGE('Sending the authorization request', `<form id="f" method="post" action="${escapeHtml(postForm.action)}">${fields}<button type="submit">Continue</button></form><script>document.getElementById('f').submit()</script>`));
      return;
    }
    if (url.pathname === '/launch') {
      const iss = url.searchParams.get('iss');
      const launch = url.searchParams.get('launch');
      if (iss === null || launch === null) {
        send(400, 'Missing iss or launch', '<p>An EHR launch calls this URL with <code>iss</code> and <code>launch</code>.</p>');
        return;
      }
      event('launch-received', `EHR launch with iss ${iss}`, { iss });
      send(200, 'Launch received', '<p>smartctl received the EHR launch and continues with authorization. See your terminal.</p>');
      settleLaunch?.({ iss, launch });
      return;
    }
    if (url.pathname !== path) {
      send(404, 'Not found', `<p>smartctl waits for the callback at <code>${escapeHtml(path)}</code>.</p>`);
      return;
    }
    if (done) {
      send(409, 'Already done', '<p>This run already received its callback. See your terminal.</p>');
      return;
    }
    const state = url.searchParams.get('state');
    const error = url.searchParams.get('error');
    const shown = `${url.origin}${url.pathname}`;
    if (expectedState === undefined) {
      rejectedStates.push({ got: state, url: `${shown}?${url.searchParams.toString()}`, reason: 'before-authorize' });
      event('callback-before-authorize', 'callback refused: smartctl has not sent its authorize request yet; still waiting', { state });
      send(400, 'Not expecting a callback yet', '<p>smartctl has not sent its authorization request yet, so this callback cannot belong to it and was refused. smartctl keeps waiting.</p>');
      return;
    }
    if (state === null || state === '' || state !== expectedState) {
      rejectedStates.push({ got: state, url: `${shown}?${url.searchParams.toString()}`, reason: 'state-mismatch' });
      event('callback-state-mismatch', `callback refused: state ${state === null ? 'missing' : 'does not match'}; still waiting`, { state, url: `${shown}?${url.searchParams.toString()}` });
      send(400, 'State does not match', '<p>This callback does not belong to the running smartctl flow (its <code>state</code> differs), so it was refused. smartctl keeps waiting.</p>');
      return;
    }
    done = true;
    if (error !== null) {
      const description = url.searchParams.get('error_description') ?? undefined;
      event('callback-error', `authorization server returned error ${error}`, { error, error_description: description, url: `${shown}?${url.searchParams.toString()}` });
      send(200, `Authorization failed: ${escapeHtml(error)}`, `<p>${escapeHtml(description ?? '')}</p><p>smartctl explains what happened in your terminal.</p>`);
      settleCallback?.({ kind: 'error', error, error_description: description, error_uri: url.searchParams.get('error_uri') ?? undefined, url: `${shown}?${url.searchParams.toString()}` });
      return;
    }
    const code = url.searchParams.get('code');
    if (code === null) {
      done = false;
      event('callback-without-code', 'callback with neither code nor error; still waiting');
      send(400, 'No code', '<p>The callback carried neither <code>code</code> nor <code>error</code>.</p>');
      return;
    }
    event('callback', 'authorization code received', { url: `${shown}?${url.searchParams.toString()}` });
    send(200, 'Done — see your terminal', '<p>smartctl received the authorization code. You can close this tab.</p>');
    settleCallback?.({ kind: 'code', code, state, url: `${shown}?${url.searchParams.toString()}`, params: url.searchParams });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? usageError('listener-port-in-use', `port ${port} on 127.0.0.1 is already in use`, 'Pick another --port (or omit it for a free one) and register that redirect URI.') : error),
    );
    // Loopback only, never all interfaces: the callback carries the authorization code.
    server.listen(port, '127.0.0.1', resolve);
  });
  const actualPort = (server.address() as AddressInfo).port;
  const origin = `http://${wanted?.hostname === 'localhost' ? 'localhost' : '127.0.0.1'}:${actualPort}`;
  const redirectUri = `${origin}${path}`;
  event('listener-started', `loopback listener on 127.0.0.1:${actualPort}, redirect URI ${redirectUri}`);

  const timeout = <T>(p: Promise<T>, ms: number): Promise<T | undefined> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), ms);
      void p.then((v) => {
        clearTimeout(timer);
        resolve(v);
      });
    });

  return {
    redirectUri,
    launchUrl: `${origin}/launch`,
    rejectedStates,
    servePostForm: (action, params) => {
      postForm = { action, params };
      return `${origin}/authorize-post`;
    },
    setExpectedState: (s) => {
      // An empty state would match a callback with `state=`: a caller bug, never data.
      if (s === '') throw new Error('the expected callback state must not be empty');
      expectedState = s;
    },
    waitForCallback: (ms) => timeout(callbackReceived, ms),
    waitForLaunch: (ms) => timeout(launchReceived, ms),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
