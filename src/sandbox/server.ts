// The sandbox's HTTP routing (node:http): discovery, the authorization server under
// /oauth, the EHR simulator under /ehr, and the FHIR API under /fhir. Faults get a
// chance to answer or slow a route before its handler runs. A handler that throws
// answers 500 server_error; the server never crashes on a request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FHIR_BASE_PATH, OAUTH_PATH, type SandboxContext } from './context.js';
import type { SandboxRoute } from './faults/fault.js';
import { escapeHtml, htmlPage } from './html.js';
import { sendHtml, sendJson } from './http-io.js';
import type { FhirHandler } from './types.js';
import { handleAuthorize } from './routes/authorize.js';
import { handleJwks, handleOpenidConfiguration, handleSmartConfiguration } from './routes/discovery.js';
import { handleEhrLaunch, handleSmartStyle } from './routes/ehr-launch.js';
import { handleErrorPage, sendErrorPage } from './routes/error-pages.js';
import { handleIntrospect, handleRevoke } from './routes/introspect-revoke.js';
import { handleLoginPages } from './routes/login-pages.js';
import { handleToken } from './routes/token.js';

type Handler = (ctx: SandboxContext, req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => void | Promise<void>;

interface Route {
  methods: readonly string[];
  /** Set for routes faults may take over or slow down. */
  faultRoute?: SandboxRoute | undefined;
  handle: Handler;
  /** Cross-origin browser apps call it (token, discovery, JWKS). */
  cors?: boolean | undefined;
}

const GET = ['GET', 'HEAD'];
const POST = ['POST'];

const ROUTES: ReadonlyMap<string, Route> = new Map<string, Route>([
  [`${FHIR_BASE_PATH}/.well-known/smart-configuration`, { methods: GET, faultRoute: 'smart-configuration', cors: true, handle: (ctx, _req, res) => handleSmartConfiguration(ctx, res) }],
  [`${OAUTH_PATH}/.well-known/openid-configuration`, { methods: GET, faultRoute: 'openid-configuration', cors: true, handle: (ctx, _req, res) => handleOpenidConfiguration(ctx, res) }],
  [`${OAUTH_PATH}/jwks`, { methods: GET, faultRoute: 'jwks', cors: true, handle: (ctx, _req, res) => handleJwks(ctx, res) }],
  [`${OAUTH_PATH}/authorize`, { methods: [...GET, ...POST], faultRoute: 'authorize', handle: handleAuthorize }],
  [`${OAUTH_PATH}/token`, { methods: POST, faultRoute: 'token', cors: true, handle: (ctx, req, res) => handleToken(ctx, req, res) }],
  [`${OAUTH_PATH}/introspect`, { methods: POST, faultRoute: 'introspect', cors: true, handle: (ctx, req, res) => handleIntrospect(ctx, req, res) }],
  [`${OAUTH_PATH}/revoke`, { methods: POST, faultRoute: 'revoke', cors: true, handle: (ctx, req, res) => handleRevoke(ctx, req, res) }],
  [`${OAUTH_PATH}/login`, { methods: [...GET, ...POST], handle: (ctx, req, res, q) => handleLoginPages(ctx, req, res, 'login', q) }],
  [`${OAUTH_PATH}/select-patient`, { methods: [...GET, ...POST], handle: (ctx, req, res, q) => handleLoginPages(ctx, req, res, 'select-patient', q) }],
  [`${OAUTH_PATH}/consent`, { methods: [...GET, ...POST], handle: (ctx, req, res, q) => handleLoginPages(ctx, req, res, 'consent', q) }],
  ['/ehr/launch', { methods: GET, handle: (ctx, _req, res, q) => handleEhrLaunch(ctx, res, q) }],
  ['/ehr/smart-style.json', { methods: GET, cors: true, handle: (_ctx, _req, res) => handleSmartStyle(res) }],
  ['/', { methods: GET, handle: (ctx, _req, res) => sendHtml(res, 200, indexPage(ctx)) }],
]);

function indexPage(ctx: SandboxContext): string {
  const rows: Array<[string, string]> = [
    ['FHIR base', ctx.urls.fhirBase],
    ['SMART configuration', `${ctx.urls.fhirBase}/.well-known/smart-configuration`],
    ['OpenID configuration', `${ctx.urls.issuer}/.well-known/openid-configuration`],
    ['EHR launch simulator', ctx.urls.ehrLaunch],
  ];
  const faults = ctx.faultNames.length === 0 ? 'none' : ctx.faultNames.map((f) => `<code>${escapeHtml(f)}</code>`).join(', ');
  return htmlPage(
    'smartctl sandbox',
    `<h1>smartctl sandbox</h1>
<ul>${rows.map(([label, url]) => `<li>${escapeHtml(label)}: <a href="${escapeHtml(url)}">${escapeHtml(url)}</a></li>`).join('')}</ul>
<p>Active faults: ${faults}</p>`,
  );
}

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type, accept',
  'access-control-max-age': '600',
};

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function dispatch(ctx: SandboxContext, fhir: FhirHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', ctx.urls.origin);
  const path = url.pathname;
  const route = ROUTES.get(path);
  if (route !== undefined) {
    if (route.cors === true) for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v);
    if (req.method === 'OPTIONS' && route.cors === true) {
      res.writeHead(204, { 'content-length': 0 });
      res.end();
      return;
    }
    if (!route.methods.includes(req.method ?? '')) {
      sendErrorPage(res, 405, 'Method not allowed', `${path} takes ${route.methods.join(' or ')}, got ${req.method ?? '?'}.`, { allow: route.methods.join(', ') });
      return;
    }
    if (route.faultRoute !== undefined) {
      const name = route.faultRoute;
      const wait = ctx.faults.reduce((ms, f) => ms + (f.delayMs?.(name) ?? 0), 0);
      if (wait > 0) {
        res.setHeader('server-timing', `sandbox-delay;dur=${wait}`);
        await sleep(wait);
      }
      for (const f of ctx.faults) if (f.intercept?.(name, req, res) === true) return;
    }
    await route.handle(ctx, req, res, url.searchParams);
    return;
  }
  if (path === FHIR_BASE_PATH || path.startsWith(`${FHIR_BASE_PATH}/`)) {
    for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'content-length': 0 });
      res.end();
      return;
    }
    fhir(req, res, path.slice(FHIR_BASE_PATH.length), url.searchParams);
    return;
  }
  if (path.startsWith(`${OAUTH_PATH}/errors/`)) {
    handleErrorPage(res, decodeURIComponent(path.slice(`${OAUTH_PATH}/errors/`.length)));
    return;
  }
  sendErrorPage(res, 404, 'Not found', `The sandbox has nothing at ${path}.`);
}

/** The request listener for node:http. */
export function createRequestListener(ctx: () => SandboxContext, fhir: () => FhirHandler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    dispatch(ctx(), fhir(), req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendJson(res, 500, { error: 'server_error', error_description: `the sandbox failed: ${error instanceof Error ? error.message : String(error)}` });
    });
  };
}
