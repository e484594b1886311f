// What the bundle gets for `import { Agent, request } from 'undici'` (src/http/client.ts,
// the only undici import): the same two exports, built the way undici's own index.js
// builds them, without the rest of its index (fetch, WebSocket, cookies, caches,
// mocks), which costs a `launch` about 50 ms to load and is never used. scripts/bundle.mjs
// points the bare specifier `undici` here; tsc and the in-process tests use undici
// itself. Kept in step with node_modules/undici/index.js (makeDispatcher); the
// subprocess tests run every request through this file.
'use strict';

// undici parses HTTP/1.1 with llhttp compiled to WebAssembly. V8 optimises that module in
// background threads, and Node waits for those threads before it exits: 40-80 ms at the
// end of every `launch`, after the output is written, for a parser that sees a dozen
// responses. The baseline compiler alone (Liftoff) parses them just as well.
require('node:v8').setFlagsFromString('--liftoff-only');

const Dispatcher = require('undici/lib/dispatcher/dispatcher');
const Agent = require('undici/lib/dispatcher/agent');
const util = require('undici/lib/core/util');
const { InvalidArgumentError } = require('undici/lib/core/errors');
const api = require('undici/lib/api');
const { getGlobalDispatcher } = require('undici/lib/global');

Object.assign(Dispatcher.prototype, api);

function makeDispatcher(fn) {
  return (url, opts, handler) => {
    if (typeof opts === 'function') {
      handler = opts;
      opts = null;
    }
    if (!url || (typeof url !== 'string' && typeof url !== 'object' && !(url instanceof URL))) {
      throw new InvalidArgumentError('invalid url');
    }
    if (opts != null && typeof opts !== 'object') {
      throw new InvalidArgumentError('invalid opts');
    }
    if (opts && opts.path != null) {
      if (typeof opts.path !== 'string') throw new InvalidArgumentError('invalid opts.path');
      const path = opts.path.startsWith('/') ? opts.path : `/${opts.path}`;
      url = new URL(util.parseOrigin(url).origin + path);
    } else {
      if (!opts) opts = typeof url === 'object' ? url : {};
      url = util.parseURL(url);
    }
    const { agent, dispatcher = getGlobalDispatcher() } = opts;
    if (agent) throw new InvalidArgumentError('unsupported opts.agent. Did you mean opts.client?');
    return fn.call(
      dispatcher,
      { ...opts, origin: url.origin, path: url.search ? `${url.pathname}${url.search}` : url.pathname, method: opts.method || (opts.body ? 'PUT' : 'GET') },
      handler,
    );
  };
}

module.exports = { Agent, request: makeDispatcher(api.request) };
