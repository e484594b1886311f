// A real HTTP server on 127.0.0.1:0 serving fixed routes: for discover, decode --verify
// and any test that needs a server that answers in a chosen (often broken) way.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StaticRoute {
  status?: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
  /** Wait this long before answering (for timeout tests). */
  delayMs?: number;
  /** Destroy the socket without answering. */
  hangUp?: boolean;
}

export interface StaticServer {
  url: string;
  origin: string;
  /** Requests seen, in order: method and path with query. */
  requests: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }>;
  setRoute(path: string, route: StaticRoute | ((origin: string) => StaticRoute)): void;
  close(): Promise<void>;
}

export async function startStaticServer(routes: Record<string, StaticRoute | ((origin: string) => StaticRoute)> = {}): Promise<StaticServer> {
  const table = new Map(Object.entries(routes));
  const requests: StaticServer['requests'] = [];
  let origin = '';
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const url = req.url ?? '/';
      requests.push({ method: req.method ?? 'GET', url, headers: req.headers, body });
      const path = url.split('?')[0] ?? '/';
      const entry = table.get(path);
      const route = typeof entry === 'function' ? entry(origin) : entry;
      if (route === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const send = (): void => {
        if (route.hangUp === true) {
          req.socket.destroy();
          return;
        }
        const isText = typeof route.body === 'string';
        const payload = route.body === undefined ? '' : isText ? (route.body as string) : JSON.stringify(route.body);
        res.writeHead(route.status ?? 200, { 'content-type': isText ? 'text/plain' : 'application/json', ...route.headers });
        res.end(payload);
      };
      if (route.delayMs !== undefined) setTimeout(send, route.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    origin,
    requests,
    setRoute: (path, route) => table.set(path, route),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
