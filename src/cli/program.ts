// The command tree: options, help examples, and lazy actions. This file loads
// commander (and, through the renderer, chalk) only; every action imports its
// command module when it runs, so `--version` and `decode` stay fast.
import { homedir, release } from 'node:os';
import { Argument, Command, Option, InvalidArgumentError } from 'commander';
import type { CommandContext, GlobalOptions, Narrator } from '../commands/context.js';
import type { Report } from '../report/report.js';
import { userCacheDir } from './cache-dir.js';
import { exitCodeForReport } from './exit-codes.js';
import { writeResult } from './output.js';
import { makeLiveProgress, progressWanted } from './progress.js';
import type { CliIo } from './main.js';
import { FAULTS as SANDBOX_FAULTS } from '../sandbox/faults/index.js';
import { safeText } from '../report/render/terminal-text.js';
import { VERSION } from './version.js';

export { VERSION };

type Options = Record<string, unknown>;
type CommandRunner = (ctx: CommandContext, args: string[], options: Options) => Promise<Report | undefined>;

export function parseInteger(name: string, min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}, got "${value}".`);
    }
    return n;
  };
}

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '';
}

function stdinIsTTY(io: CliIo): boolean {
  return (io.stdinIsTTY ?? io.stdin.isTTY) === true;
}

function readGlobals(opts: Options, io: CliIo): GlobalOptions {
  const json = opts['json'] === true;
  const forced = isSet(io.env['FORCE_COLOR']) && io.env['FORCE_COLOR'] !== '0';
  const color =
    opts['color'] !== false && !isSet(io.env['NO_COLOR']) && (forced || (io.stdout.isTTY === true && !isSet(io.env['CI'])));
  const noInput = opts['input'] === false || isSet(io.env['CI']) || !stdinIsTTY(io) || io.stdout.isTTY !== true;
  return {
    json,
    color: color && !json,
    verbose: opts['verbose'] === true,
    quiet: opts['quiet'] === true,
    debug: opts['debug'] === true,
    showSecrets: opts['showSecrets'] === true,
    timeoutMs: typeof opts['timeout'] === 'number' ? opts['timeout'] : 10_000,
    insecure: opts['insecure'] === true,
    noInput,
  };
}

/**
 * Narration quotes server strings (issuers, URLs, error texts): control characters are shown
 * escaped, and secrets in them (a URL's password, a token in a quoted error) go through
 * `redact` (redactString, unless --show-secrets) like every other output.
 */
export function makeNarrator(globals: GlobalOptions, io: Pick<CliIo, 'stderr'> & Partial<Pick<CliIo, 'stdout' | 'env'>>, redact: (text: string) => string = (t) => t): Narrator {
  const say = (m: string): string => safeText(redact(m));
  const dim = (s: string): string => (globals.color && io.stderr.isTTY === true ? `\u001b[2m${s}\u001b[22m` : s);
  const chatty = !globals.quiet && (!globals.json || globals.verbose);
  const ci = isSet(io.env?.['CI']);
  const live = progressWanted({ stdoutIsTTY: io.stdout?.isTTY === true, stderrIsTTY: io.stderr.isTTY === true, json: globals.json, quiet: globals.quiet, ci });
  const progress = live ? makeLiveProgress((t) => io.stderr.write(t), () => performance.now(), dim) : undefined;
  return {
    progress,
    step: (m) => {
      progress?.settle();
      if (chatty) io.stderr.write(`${dim('→')} ${say(m)}\n`);
    },
    info: (m) => {
      progress?.settle();
      if (chatty) io.stderr.write(`  ${say(m)}\n`);
    },
    warn: (m) => {
      progress?.settle();
      if (!globals.quiet) io.stderr.write(`! ${say(m)}\n`);
    },
    action: (m) => {
      progress?.settle();
      io.stderr.write(`» ${say(m)}\n`);
    },
    countdown: (m, ms) => {
      if (io.stderr.isTTY !== true || globals.quiet || globals.json || ci) return () => undefined;
      progress?.settle();
      const end = Date.now() + ms;
      const draw = (): void => {
        io.stderr.write(`\r\u001b[2K  ${say(m)}: ${Math.max(0, Math.ceil((end - Date.now()) / 1000))} s left (Ctrl-C to stop)`);
      };
      draw();
      const timer = setInterval(draw, 1000);
      timer.unref();
      return () => {
        clearInterval(timer);
        io.stderr.write('\r\u001b[2K');
      };
    },
  };
}

function readAll(stream: CliIo['stdin']): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer | string) => chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}

type Render = ((report: Report, globals: GlobalOptions, compactJson?: boolean) => string) & { redactText?: (text: string) => string };

/** Redaction and the one renderer asked for (the human one brings chalk) load only when a command runs, not for --version or --help. */
async function loadRender(json: boolean): Promise<Render> {
  // Both at once: each import is a chain of file reads, and the second need not wait for the first.
  if (json) {
    const [{ redactReport, redactString }, { renderJson }] = await Promise.all([import('../report/redact.js'), import('../report/render/json.js')]);
    return Object.assign((report: Report, globals: GlobalOptions, compactJson = false) => renderJson(redactReport(report, globals.showSecrets), { compact: compactJson }), { redactText: (t: string) => redactString(t) });
  }
  const [{ redactReport, redactString }, { renderHuman }] = await Promise.all([import('../report/redact.js'), import('../report/render/human.js')]);
  return Object.assign((report: Report, globals: GlobalOptions) => renderHuman(redactReport(report, globals.showSecrets), globals), { redactText: (t: string) => redactString(t) });
}

export function makeContext(globals: GlobalOptions, io: CliIo, render: Render): CommandContext {
  return {
    globals,
    env: io.env,
    cwd: process.cwd(),
    cacheDir: userCacheDir(io.env, homedir(), process.platform),
    narrate: makeNarrator(globals, io, globals.showSecrets ? undefined : render.redactText),
    now: () => new Date(),
    interactive: !globals.noInput,
    stdinIsTTY: stdinIsTTY(io),
    readStdin: () => readAll(io.stdin),
    print: (report, options) => {
      io.stdout.write(render(report, globals, options?.compactJson === true));
    },
    untilInterrupted: () =>
      new Promise<void>((resolve) => {
        const done = (): void => {
          process.off('SIGINT', done);
          process.off('SIGTERM', done);
          resolve();
        };
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      }),
  };
}

/**
 * commander's own errors (unknown option or command, a bad or missing argument) in the
 * style of every other error: `smartctl: <what>` and `  hint: <how>`; main.ts exits 2.
 */
export function formatCommanderError(text: string, commandPath: string): string {
  const { message, hint } = describeCommanderError(text, commandPath);
  return `smartctl: ${message}\n  hint: ${hint}\n`;
}

/** commander's error text as our message and hint (also the --json error document's). */
export function describeCommanderError(text: string, commandPath: string): { message: string; hint: string } {
  const lines = text.trim().split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const message = (lines[0] ?? 'invalid command line').replace(/^error: /, '');
  const suggestion = lines.slice(1).map((l) => /^\(Did you mean (.+)\?\)$/.exec(l)?.[1]).find((m) => m !== undefined);
  const help = `smartctl${commandPath === '' ? '' : ` ${commandPath}`} --help`;
  const hint = suggestion !== undefined ? `did you mean ${suggestion}? (\`${help}\` lists them)` : `run \`${help}\` for usage`;
  return { message, hint };
}

function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/** What a --report says about the machine it ran on. */
function runtimeEnvironment(): { smartctl: string; node: string; platform: string; release: string; arch: string } {
  return { smartctl: VERSION, node: process.version, platform: process.platform, release: release(), arch: process.arch };
}

const REPORT_HELP = 'write a Markdown report for a vendor ticket or forum: summary, identifiers (request ids), environment, findings, exchanges (secrets redacted unless --show-secrets; mode 0600)';

export interface ProgramState {
  exitCode: number;
  /** The command that ran, and whether it printed its report (main.ts prints an error document only if not). */
  command?: string | undefined;
  printed?: boolean | undefined;
}

/** What a command that is not run is declared on: every call does nothing and returns it again. */
const SKIPPED: Command = new Proxy({}, { get: () => () => SKIPPED }) as Command;

/**
 * The command tree. With `only` (argv's first word), only that command gets its options
 * and arguments (three hundred options cost milliseconds at every start); the others are
 * declared on SKIPPED. When `only` names no command, or names completion (which lists
 * them all), the whole tree is built: top-level help and suggestions need every command.
 */
export function buildProgram(io: CliIo, state: ProgramState, only?: string): Command {
  if (only !== undefined && only !== 'completion') {
    const program = defineProgram(io, state, only);
    if (program.commands.some((c) => c.name() === only)) return program;
  }
  return defineProgram(io, state, undefined);
}

function defineProgram(io: CliIo, state: ProgramState, only: string | undefined): Command {
  const program = new Command('smartctl');

  const action =
    (run: CommandRunner) =>
    async (...received: unknown[]): Promise<void> => {
      const cmd = received[received.length - 1] as Command;
      const globals = readGlobals(cmd.optsWithGlobals(), io);
      state.command = cmd.name();
      const loaded = await loadRender(globals.json);
      const render: Render = Object.assign((...a: Parameters<Render>) => ((state.printed = true), loaded(...a)), { redactText: loaded.redactText });
      const ctx = makeContext(globals, io, render);
      if (globals.insecure) io.stderr.write('! --insecure: TLS certificates are not verified; anyone on the network path can read and change this traffic. Never use it against production.\n');
      const har = cmd.name() === 'explain' ? undefined : cmd.opts()['har'];
      const markdown = cmd.opts()['report'];
      let trace: import('../report/trace.js').Trace | undefined;
      // On a terminal, the steps of the run's trace are shown as they start and end.
      const steps = ctx.narrate.progress;
      if (typeof har === 'string' || typeof markdown === 'string' || steps !== undefined) ctx.traceStarted = (t) => ((trace = t), steps?.watch(t));
      let report: Report | undefined;
      try {
        report = await run(ctx, cmd.args, cmd.opts());
        steps?.finish();
      } catch (error) {
        steps?.finish();
        // A run that ends in an error (a server that cannot be read) still leaves its exchanges in the HAR and the report.
        if (trace !== undefined && trace.entries.length > 0) {
          if (typeof har === 'string') await (await import('../commands/har-export.js')).exportHarOfFailedRun(ctx, cmd.name(), trace, har, VERSION);
          if (typeof markdown === 'string') await (await import('../commands/report-export.js')).exportReportOfFailedRun(ctx, cmd.name(), trace, error, markdown, runtimeEnvironment());
        }
        throw error;
      }
      if (report !== undefined) {
        if (typeof har === 'string') await (await import('../commands/har-export.js')).exportHar(ctx, report, har, VERSION);
        // The report says so itself, so a saved --json output cannot be mistaken for a verified run.
        if (globals.insecure) {
          report.data['tlsVerification'] = false;
          report.sections.unshift({ title: 'TLS', lines: ['certificate verification OFF (--insecure): the answers below may come from anyone on the network path'] });
        }
        if (typeof markdown === 'string') await (await import('../commands/report-export.js')).exportReport(ctx, report, markdown, runtimeEnvironment());
        state.exitCode = exitCodeForReport(report);
        writeResult(io, report, render(report, globals), { json: globals.json, exitCode: state.exitCode });
      }
    };

  program
    .description('Test and diagnose SMART on FHIR / OpenID Connect authorization flows.')
    .version(VERSION, '-V, --version', 'print the smartctl version')
    .option('--json', 'print one JSON document on stdout instead of the human view')
    .option('--no-color', 'no colour (also NO_COLOR=1; colour is off when stdout is not a TTY or CI is set)')
    .option('-v, --verbose', 'show the trace: every HTTP exchange in full (secrets still redacted)')
    .option('-q, --quiet', 'print only problems and the verdict')
    .option('--debug', 'print stack traces for errors')
    .option('--show-secrets', 'do not redact tokens, secrets, codes and keys in the output')
    .option('--timeout <ms>', 'network timeout per request, in ms', parseInteger('--timeout', 1, 600_000), 10_000)
    .option('--insecure', 'skip TLS certificate verification (for test servers with self-signed certificates only)')
    .option('--no-input', 'never prompt; fail and name the missing flag instead')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(safeText(s)),
      outputError: (s) => io.stderr.write(safeText(formatCommanderError(s, ''))),
    })
    .addHelpText(
      'after',
      `${examples([
        'smartctl launch --sandbox',
        'smartctl discover https://fhir.example.org/r4',
        'smartctl decode eyJhbGciOiJSUzI1NiJ9...',
        'smartctl diff-scopes "openid fhirUser patient/*.read" "patient/*.read"',
      ])}\nExit codes: 0 ok, 1 error findings (an HTTP error status from a server is one), 2 usage or input error, 3 server unreachable or unreadable, 130 interrupted.\n`,
    );

  // Every subcommand inherits exitOverride and output from the program.
  const command = (name: string, description: string): Command =>
    only !== undefined && name !== only
      ? SKIPPED
      : program
          .command(name)
          .description(description)
          .exitOverride()
          .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(safeText(s)), outputError: (s) => io.stderr.write(safeText(formatCommanderError(s, name))) });

  /** --config and --profile, as check has them (src/commands/profile-options.ts applies them). */
  const withProfileOptions = (c: Command): Command =>
    c.option('--config <file>', 'config file with profiles (default ./smartctl.config.json, then $XDG_CONFIG_HOME/smartctl/config.json)').option('--profile <name>', 'use this profile of the config file (also SMARTCTL_PROFILE); flags, then SMARTCTL_ISS / SMARTCTL_CLIENT_ID, then the profile');

  // ---- decode -------------------------------------------------------------
  command('decode', 'decode and lint a JWT, a Bearer header or a whole token response')
    .argument('[token]', 'the token, "Bearer <jwt>", or token-response JSON; read from stdin when omitted or "-"')
    .option('--verify', 'verify the signature (with --jwks or --issuer, else the key set named by the token\'s own iss)')
    .option('--jwks <file|url>', 'JWKS to verify against: a file path or an http(s) URL')
    .option('--issuer <url>', 'expected issuer; its OpenID discovery document gives jwks_uri')
    .option('--audience <aud>', 'expected aud (for an id_token: your client id)')
    .option('--nonce <nonce>', 'expected nonce (id_token)')
    .option('--client-id <id>', 'your client id (checks id_token aud and client-assertion iss/sub)')
    .option('--token-url <url>', 'the token endpoint a client assertion must name as aud')
    .addOption(new Option('--profile <profile>', 'which rules to apply (auto-detected when omitted)').choices(['id-token', 'client-assertion', 'access-token']))
    .option('--har <file>', 'write the run\'s HTTP exchanges as HAR 1.2 (secrets redacted unless --show-secrets; mode 0600)')
    .option('--report <file.md>', REPORT_HELP)
    .addHelpText(
      'after',
      examples([
        'smartctl decode eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiIxIn0.c2ln',
        'pbpaste | smartctl decode',
        "smartctl decode 'Bearer eyJ...'",
        'smartctl decode @token-response.json',
        'smartctl decode --verify --issuer https://ehr.example.org --audience my-app $ID_TOKEN',
        'smartctl decode --verify --jwks jwks.json --profile client-assertion $ASSERTION',
      ]),
    )
    .action(action(async (ctx, args, opts) => (await import('../commands/decode.js')).decodeCommand(ctx, args[0], opts)));

  // ---- keygen -------------------------------------------------------------
  command('keygen', 'create a signing key pair for private_key_jwt (PEM private key + public JWKS to register)')
    .addOption(new Option('--alg <alg>', 'signature algorithm').choices(['RS384', 'ES384']).default('ES384'))
    .option('--out <prefix>', 'write <prefix>.private.pem (mode 0600) and <prefix>.jwks.json', 'smart-client')
    .option('--force', 'overwrite existing files')
    .addOption(new Option('--output <what>', 'print only the public JWKS on stdout (both files are still written; the report goes to stderr)').choices(['jwks']))
    .addHelpText(
      'after',
      examples(['smartctl keygen --alg ES384 --out keys/my-app', 'smartctl keygen --alg RS384 --out backend --json', 'smartctl keygen --out keys/my-app --output jwks > my-app.public.jwks.json']),
    )
    .action(action(async (ctx, _args, opts) => (await import('../commands/keygen.js')).keygenCommand(ctx, opts)));

  // ---- jwt-assert ---------------------------------------------------------
  withProfileOptions(command('jwt-assert', 'build (or --check) a signed client assertion for private_key_jwt'))
    .option('--key <file>', 'private key: PKCS#8/PKCS#1/SEC1 PEM, a JWK, or a JWKS with private keys')
    .option('--kid <kid>', 'which key of a JWKS to use; also the kid header')
    .option('--client-id <id>', 'your client id (iss and sub)')
    .option('--aud <token-url>', 'the token endpoint (the assertion aud)')
    .option('--iss <fhir-base>', 'discover the token endpoint from this FHIR base and use it as aud')
    .addOption(new Option('--alg <alg>', 'override the algorithm derived from the key').choices(['RS384', 'ES384', 'ES256', 'RS256', 'PS384', 'ES512']))
    .option('--lifetime <s>', 'seconds until exp (at most 300 unless --force)', parseInteger('--lifetime', 1, 86_400), 300)
    .option('--jku <url>', 'add a jku header pointing at your JWKS URL')
    .option('--force', 'allow a lifetime over 300 s')
    .option('--print-jwks', 'also print the public JWKS to register')
    .option('--check <assertion>', 'lint an existing assertion instead of building one ("-" for stdin)')
    .option('--jwks <file|url>', 'with --check: verify the signature against this JWKS')
    .option('--har <file>', 'write the run\'s HTTP exchanges as HAR 1.2 (secrets redacted unless --show-secrets; mode 0600)')
    .option('--report <file.md>', REPORT_HELP)
    .addHelpText(
      'after',
      `${examples([
        'smartctl jwt-assert --key my-app.private.pem --client-id my-app --aud https://ehr.example.org/oauth2/token',
        'smartctl jwt-assert --key my-app.private.pem --client-id my-app --iss https://ehr.example.org/fhir',
        'smartctl jwt-assert --key keys.jwks.json --kid abc --client-id my-app --aud https://ehr.example.org/token --print-jwks',
        'smartctl jwt-assert --check "$ASSERTION" --client-id my-app --aud https://ehr.example.org/token --jwks my-app.jwks.json',
        'ASSERTION=$(smartctl jwt-assert --key my-app.private.pem --client-id my-app --aud https://ehr.example.org/token --quiet)',
      ])}\nWith --quiet, stdout is the assertion alone (problems and the verdict go to stderr; nothing on stdout if the run fails).\n`,
    )
    .action(action(async (ctx, _args, opts) => (await import('../commands/jwt-assert.js')).jwtAssertCommand(ctx, opts)));

  // ---- diff-scopes --------------------------------------------------------
  command('diff-scopes', 'compare requested and granted scopes and explain what a difference costs')
    .argument('<requested>', 'requested scopes: a space/newline-separated string, @file, or - for stdin')
    .argument('<granted>', 'granted scopes: a space/newline-separated string, @file, or - for stdin (a token response JSON gives its "scope")')
    .option('--report <file.md>', REPORT_HELP)
    .addHelpText(
      'after',
      examples([
        'smartctl diff-scopes "launch openid fhirUser patient/*.read" "launch patient/*.read"',
        'smartctl diff-scopes @requested.txt @granted.txt --json',
        'echo "patient/Observation.rs" | smartctl diff-scopes "patient/Observation.read" -',
        'smartctl diff-scopes "launch openid fhirUser offline_access patient/*.rs" @token-response.json',
      ]),
    )
    .action(action(async (ctx, args) => (await import('../commands/diff-scopes.js')).diffScopesCommand(ctx, args[0] ?? '', args[1] ?? '')));

  // ---- discover -----------------------------------------------------------
  withProfileOptions(command('discover', 'fetch and check a FHIR server\'s SMART configuration, CapabilityStatement, OpenID metadata and JWKS'))
    .argument('[fhir-base-url]', 'the FHIR base URL (the iss an EHR launch sends; else SMARTCTL_ISS or the profile\'s fhirBase)')
    .option('--har <file>', 'write the run\'s HTTP exchanges as HAR 1.2 (secrets redacted unless --show-secrets; mode 0600)')
    .option('--report <file.md>', REPORT_HELP)
    .addHelpText(
      'after',
      examples(['smartctl discover https://fhir.example.org/r4', 'smartctl discover http://127.0.0.1:8080/fhir --json', 'smartctl discover https://ehr.test --insecure --verbose']),
    )
    .action(action(async (ctx, args, opts) => (await import('../commands/discover.js')).discoverCommand(ctx, args[0], opts)));

  // ---- sandbox ------------------------------------------------------------
  command('sandbox', 'run a local SMART on FHIR server (authorization server + FHIR API) with demo clients and optional faults')
    .option('--port <n>', 'port to listen on (0 picks a free one)', parseInteger('--port', 0, 65_535), 0)
    .option('--host <host>', 'address to bind (anything but loopback is reachable from other machines)', '127.0.0.1')
    .option('--fault <name>', 'misbehave like a real server does (repeatable; listed below)', collect)
    .option('--clients <file>', 'also register the clients in this JSON array (RFC 7591 names: client_id, client_secret, redirect_uris, token_endpoint_auth_method, jwks or jwks_uri, scope, grant_types)')
    .addOption(new Option('--scopes <syntax>', 'which SMART scope syntax to grant').choices(['v1', 'v2', 'both']).default('both'))
    .option('--auto-approve', 'skip login, patient picker and consent: the default user and patient approve everything (per request: header "x-sandbox-auto-approve: 1")')
    .addHelpText(
      'after',
      `\nFaults (--fault <name>), each mirroring a real failure:\n${SANDBOX_FAULTS.map((f) => `  ${f.name}\n      ${f.effect}\n      mirrors: ${f.mirrors}\n      finding: ${f.findingId}`).join('\n')}\n${examples([
        'smartctl sandbox',
        'smartctl sandbox --port 8080 --auto-approve',
        'smartctl sandbox --fault drop-openid --fault jwks-down',
        'smartctl sandbox --clients my-clients.json --scopes v2',
        'smartctl sandbox --json > sandbox.json &   # one JSON line: fhirBaseUrl, issuer, ehrLaunchUrl, faults, clients',
      ])}`,
    )
    .action(action(async (ctx, _args, opts) => (await import('../commands/sandbox.js')).sandboxCommand(ctx, opts)));


  // ---- explain ------------------------------------------------------------
  command('explain', 'diagnose what your own app saw: an error response and the request behind it, a curl line, a token response, an authorize URL, an error message')
    .option('--status <code>', 'HTTP status of the response', parseInteger('--status', 100, 599))
    .option('--body <json|text|@file>', 'the response body ("-" for stdin)')
    .option('--header <line>', "a response header, 'Name: value' (repeatable), e.g. WWW-Authenticate", collect)
    .option('--request-header <line>', "a header the app sent, 'Name: value' (repeatable)", collect)
    .option('--request-body <text|@file>', 'the body the app sent (a token request form, say)')
    .option('--method <method>', 'the HTTP method of the request (default: POST with a body, else GET)')
    .option('--curl <command|@file>', 'the request as a curl command line (method, URL, headers and body are read from it)')
    .addOption(new Option('--endpoint <endpoint>', 'where the response came from').choices(['token', 'authorize', 'fhir', 'discovery']))
    .option('--token-response <json|@file>', 'a token response as received')
    .option('--requested-scope <scopes>', 'the scope the app requested (compared with the token response)')
    .option('--url <url>', 'the URL of the request; an authorize URL is linted (vendor login wrappers with to= are unwrapped)')
    .option('--message <text>', "an error message the app's client library printed (repeatable)", collect)
    .option('--client-id <id>', 'your client id (checks a client assertion seen in the evidence)')
    .option('--token-url <url>', 'the token endpoint (checks a client assertion aud)')
    .option('--har <file>', 'a HAR of the flow (Chrome, Firefox, playwright, Charles, mitmproxy, Fiddler): its OAuth / SMART requests are diagnosed, the rest skipped')
    .option('--report <file.md>', REPORT_HELP)
    .addHelpText(
      'after',
      `\nThe first finding is the root cause of the failure, or unknown-failure when the evidence cannot tell;\nthe role of each finding (root-cause, contributing, also-noticed) is shown with it and in --json.${examples([
        `smartctl explain --status 401 --body '{"error":"invalid_client","error_uri":"https://authorization.cerner.com/errors/urn%3Acerner%3Aerror%3Aauthorization-server%3Aoauth2%3Atoken%3Ainvalid-authorization-header/instances/abc?client=unknown&tenant=xyz"}'`,
        `smartctl explain --curl 'curl -X POST https://ehr.example.org/token -H "Authorization: Bearer eyJ..." -d grant_type=client_credentials' --status 401 --body '{"error":"invalid_client"}'`,
        'smartctl explain --token-response @token.json --requested-scope "openid fhirUser launch/patient patient/*.read"',
        `smartctl explain --status 401 --endpoint fhir --header 'WWW-Authenticate: Bearer error="invalid_token", error_description="token expired"' --request-header 'Authorization: Bearer abc'`,
        'smartctl explain --url "https://ehr.example.org/authorize?response_type=code&client_id=app&forceAuthn=true&scope=openid" --status 400',
        `smartctl explain --message "unexpected iss value, expected https://idp.example/, got: https://idp.example"`,
        'smartctl explain --har launch.har --json',
      ])}`,
    )
    .action(action(async (ctx, _args, opts) => (await import('../commands/explain.js')).explainCommand(ctx, opts)));


  // ---- launch -------------------------------------------------------------
  // For scripts: TOKEN=$(smartctl … --output access_token). src/cli/output.ts prints it.
  const outputOption = (): Option =>
    new Option('--output <field>', 'print only this value on stdout, unredacted, and the report on stderr; nothing on stdout if the run fails (not with --json)').choices(['access_token', 'id_token', 'refresh_token', 'token-response', 'authorization-header']);
  const authMethodOption = (): Option => new Option('--auth-method <method>', 'client authentication at the token endpoint (derived from the secret/key when omitted)').choices(['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt']);
  withProfileOptions(command('launch', 'run a SMART App Launch end to end: authorize in a browser (or headless), exchange the code, validate, probe FHIR, diagnose'))
    .option('--iss <fhir-base>', 'the FHIR server (its base URL, the iss)')
    .option('--sandbox', 'run against the embedded SMART sandbox (offline)')
    .option('--client-id <id>', 'the registered client id (with --sandbox: its demo public client)')
    .option('--scope <scopes>', 'scopes to request (default: a sensible set for the launch type, printed)')
    .option('--redirect-uri <url>', 'loopback redirect URI, http://127.0.0.1:PORT/path (default: a free port, /callback)')
    .option('--port <n>', 'port for the loopback listener', parseInteger('--port', 0, 65535))
    .option('--client-secret <secret>', 'client secret (prefer --client-secret-file or SMARTCTL_CLIENT_SECRET)')
    .option('--client-secret-file <file>', 'read the client secret from a file')
    .option('--key <file>', 'private key for private_key_jwt (PEM, JWK or JWKS)')
    .option('--kid <kid>', 'key id to use / put in the assertion header')
    .addOption(authMethodOption())
    .option('--ehr', 'EHR launch: serve the launch URL, wait for iss and launch (the sandbox plays the EHR with --sandbox)')
    .addOption(new Option('--prompt <prompt>', 'OpenID prompt parameter').choices(['login', 'consent', 'none']))
    .option('--force-authn', 'add the vendor parameter forceAuthn=true (to reproduce re-authentication failures)')
    .option('--fresh-session', 'open a new, empty browser profile (no cookies from earlier logins)')
    .option('--no-open', 'do not open a browser: print the authorize URL')
    .option('--browser <command>', 'open the authorize URL with this command')
    .option('--headless', 'complete the flow without a person by following redirects (servers that auto-approve, like the sandbox)')
    .option('--cookie-jar <file>', 'keep headless cookies across runs in this file (mode 0600)')
    .option('--sandbox-fault <name>', 'start the sandbox with this fault (repeatable; see smartctl sandbox --help)', collect)
    .option('--refresh', 'refresh the token afterwards and check the new one')
    .option('--save <file>', 'save the token response, issuer, client id and time as JSON (mode 0600)')
    .option('--callback-timeout <s>', 'seconds to wait for the callback', parseInteger('--callback-timeout', 1, 3600), 300)
    .option('--no-pkce', 'send no PKCE (to reproduce legacy apps)')
    .option('--authorize-post', 'send the authorize request as a POST form, where the server advertises authorize-post')
    .addOption(outputOption())
    .option('--har <file>', 'write the run\'s HTTP exchanges as HAR 1.2 (secrets redacted unless --show-secrets; mode 0600)')
    .option('--report <file.md>', REPORT_HELP)
    .addHelpText(
      'after',
      examples([
        'smartctl launch --sandbox',
        'smartctl launch --sandbox --headless --json',
        'smartctl launch --sandbox --sandbox-fault drop-openid',
        'smartctl launch --iss https://fhir.example.org/r4 --client-id my-app --scope "openid fhirUser launch/patient patient/*.rs"',
        'SMARTCTL_CLIENT_SECRET=... smartctl launch --iss https://ehr.example.org/fhir --client-id my-app --auth-method client_secret_basic',
        'smartctl launch --iss https://ehr.example.org/fhir --client-id my-app --force-authn --fresh-session',
        'smartctl launch --sandbox --ehr --refresh --save session.json',
        'smartctl launch --iss https://ehr.example.org/fhir --client-id my-app --report ticket.md   # Markdown for a vendor ticket',
        'TOKEN=$(smartctl launch --sandbox --headless --output access_token)',
      ]),
    )
    .action(action(async (ctx, _args, opts) => (await import('../commands/launch.js')).launchCommand(ctx, opts)));

  // ---- token --------------------------------------------------------------
  withProfileOptions(command('token', 'make one token request (authorization_code, refresh_token, client_credentials) and check the answer'))
    .addOption(new Option('--grant <type>', 'grant type').choices(['authorization_code', 'refresh_token', 'client_credentials']).makeOptionMandatory())
    .option('--iss <fhir-base>', 'discover the token endpoint from this FHIR base')
    .option('--token-url <url>', 'the token endpoint (instead of --iss)')
    .option('--client-id <id>', 'the registered client id')
    .option('--client-secret <secret>', 'client secret (prefer --client-secret-file or SMARTCTL_CLIENT_SECRET)')
    .option('--client-secret-file <file>', 'read the client secret from a file')
    .option('--key <file>', 'private key for private_key_jwt (PEM, JWK or JWKS)')
    .option('--kid <kid>', 'key id to use / put in the assertion header')
    .addOption(authMethodOption())
    .option('--scope <scopes>', 'scopes to request')
    .option('--code <code>', 'authorization code (authorization_code)')
    .option('--code-verifier <verifier>', 'PKCE verifier (authorization_code)')
    .option('--redirect-uri <url>', 'the redirect URI used at authorize (authorization_code)')
    .option('--refresh-token <token>', 'refresh token (refresh_token)')
    .option('--assertion-in-header', 'send the client assertion as "Authorization: Bearer" (reproduces a common mistake)')
    .addOption(outputOption())
    .option('--har <file>', 'write the run\'s HTTP exchanges as HAR 1.2 (secrets redacted unless --show-secrets; mode 0600)')
    .option('--report <file.md>', REPORT_HELP)
    .addHelpText(
      'after',
      examples([
        'smartctl token --grant client_credentials --iss https://ehr.example.org/fhir --client-id my-service --key my-service.private.pem --scope "system/*.rs"',
        'SMARTCTL_CLIENT_SECRET=... smartctl token --grant client_credentials --token-url https://ehr.example.org/token --client-id app --auth-method client_secret_post',
        'smartctl token --grant refresh_token --token-url https://ehr.example.org/token --client-id app --refresh-token "$REFRESH" --json',
        'curl -H "Authorization: $(smartctl token --grant client_credentials --iss https://ehr.example.org/fhir --client-id my-service --key my-service.private.pem --scope system/Patient.rs --output authorization-header)" https://ehr.example.org/fhir/Patient',
      ]),
    )
    .action(action(async (ctx, _args, opts) => (await import('../commands/token.js')).tokenCommand(ctx, opts)));

  // ---- check --------------------------------------------------------------
  command('check', 'run the conformance and smoke suite against a SMART server (headless, for CI): pass/fail/skip per test, --json, --junit')
    .argument('[fhir-base]', 'the FHIR base URL (the iss)')
    .option('--sandbox', 'check the embedded sandbox (a self-test; its demo clients are used)')
    .option('--sandbox-fault <name>', 'with --sandbox: start it with this fault (repeatable)', collect)
    .option('--client-id <id>', 'an app client registered with the server (launch, refresh, introspection, hardening tests)')
    .option('--client-secret <secret>', 'its client secret (prefer --client-secret-file or SMARTCTL_CLIENT_SECRET)')
    .option('--client-secret-file <file>', 'read the client secret from a file')
    .option('--key <file>', 'its private key for private_key_jwt (PEM, JWK or JWKS)')
    .option('--kid <kid>', 'key id of --key')
    .addOption(authMethodOption())
    .option('--scope <scopes>', 'scopes for the launches (default: a sensible set from discovery)')
    .option('--redirect-uri <url>', 'a redirect URI registered for the client (default http://127.0.0.1/callback)')
    .option('--backend-client-id <id>', 'a backend services client (private_key_jwt)')
    .option('--backend-key <file>', 'its private key')
    .option('--backend-kid <kid>', 'key id of --backend-key')
    .option('--backend-scope <scopes>', 'scopes for client_credentials (default system/*.rs or system/*.read)')
    .option('--ehr-launch-url <url>', 'an EHR launcher to GET with ?launch_url= (it redirects there with iss and launch)')
    .option('--other-patient <id>', "another patient's id, for the compartment test")
    .option('--second-client-id <id>', 'another registered app client (with --second-client-secret-file if confidential), for the code-binding test')
    .option('--second-client-secret-file <file>', 'its client secret')
    .option('--only <groups>', 'run only these groups (comma-separated)')
    .option('--skip <test-ids>', 'leave out these tests (comma-separated ids)')
    .option('--junit <file>', 'also write JUnit XML (one testsuite per group)')
    .option('--report <file.md>', REPORT_HELP)
    .option('--har <file>', "write every test's HTTP exchanges as HAR 1.2, in time order, each tagged with its test id (secrets redacted unless --show-secrets; mode 0600)")
    .addOption(new Option('--fail-on <level>', 'exit 1 on failed tests (error) or on warnings too (warning)').choices(['error', 'warning']).default('error'))
    .option('--concurrency <n>', 'tests at once', parseInteger('--concurrency', 1, 32), 4)
    .option('--config <file>', 'config file with profiles (default ./smartctl.config.json, then $XDG_CONFIG_HOME/smartctl/config.json)')
    .option('--profile <name>', 'use this profile of the config file (also SMARTCTL_PROFILE)')
    .option('--login <file>', 'a login script (JSON steps) a headless Chromium runs where a login page needs a person')
    .option('--no-auto-approve', "do not send the sandbox's auto-approve header (login pages then need --login)")
    .option('--oidc <issuer>', 'also check a federated OpenID provider (alone: only that)')
    .option('--oidc-client-id <id>', 'a client of that provider, for the live login test')
    .option('--oidc-client-secret-file <file>', 'its client secret (also SMARTCTL_OIDC_CLIENT_SECRET)')
    .option('--oidc-claim <name>', 'a claim user mapping needs besides preferred_username (repeatable)', collect)
    .addHelpText('after', `${examples(['smartctl check --sandbox', 'smartctl check --sandbox --sandbox-fault drop-openid --json', 'smartctl check https://fhir.example.org/r4 --client-id my-app --junit check.xml --har check.har', 'smartctl check https://ehr.example.org/fhir --backend-client-id svc --backend-key svc.private.pem --only discovery,backend-services'])}\nExit codes: 0 every test passed (or warned), 1 a test failed, 2 usage or config error, 3 the server could not be reached.\n`)
    .action(action(async (ctx, args, opts) => (await import('../commands/check.js')).checkCommand(ctx, args[0], opts)));

  // ---- completion ---------------------------------------------------------
  command('completion', 'print a shell completion script: commands, options, their values and sandbox fault names')
    .addArgument(new Argument('<shell>', 'the shell to complete in').choices(['bash', 'zsh', 'fish']))
    .addHelpText(
      'after',
      `\nAdd one line to your shell's start-up file:\n  bash  ~/.bashrc                   source <(smartctl completion bash)\n  zsh   ~/.zshrc                    source <(smartctl completion zsh)\n  fish  ~/.config/fish/config.fish  smartctl completion fish | source\n`,
    )
    .action(async (shell: 'bash' | 'zsh' | 'fish') => {
      const { completionScript, describeProgram } = await import('./completion.js');
      const faults = SANDBOX_FAULTS.map((f) => f.name);
      io.stdout.write(completionScript(shell, describeProgram(program, { '--fault': faults, '--sandbox-fault': faults })));
    });

  return program;
}
