// What commander gets for `require('node:child_process')`: commander loads it at start
// for executable subcommands (`program.command('x', 'desc')` running smartctl-x), which
// smartctl has none of; loading it also loads net, dgram and the stream machinery, 3 to
// 5 ms of every start. Here it loads on first use. scripts/bundle.mjs points commander's
// import here; everything else gets node:child_process itself.
'use strict';

let childProcess;
const load = () => (childProcess ??= require('node:child_process'));

module.exports = {
  spawn: (...args) => load().spawn(...args),
};
