// smartctl keygen: a signing key pair for private_key_jwt. The private key is written
// as PKCS#8 PEM with mode 0600; the public JWKS (kid = RFC 7638 thumbprint, alg, use)
// is what gets registered with the EHR.
import { constants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { usageError, inputError } from '../errors.js';
import { makeFinding } from '../report/finding.js';
import { makeReport, type Report } from '../report/report.js';
import type { CommandContext } from './context.js';
import { checkOutputOptions } from './output-option.js';

async function writeNew(file: string, text: string, mode: number, force: boolean): Promise<void> {
  const flags = force ? constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC : constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;
  let handle;
  try {
    handle = await open(file, flags, mode);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EEXIST') throw usageError('file-exists', `"${file}" already exists`, 'Pass --force to overwrite it, or choose another --out prefix.');
    throw inputError('file-unwritable', `cannot write "${file}"${code !== undefined ? ` (${code})` : ''}`, 'Check that the directory exists and is writable.');
  }
  try {
    await handle.writeFile(text);
    await handle.chmod(mode); // an existing file keeps its old mode otherwise
  } finally {
    await handle.close();
  }
}

export async function keygenCommand(ctx: CommandContext, opts: Record<string, unknown>): Promise<Report> {
  const alg = opts['alg'] === 'RS384' ? 'RS384' : 'ES384';
  const prefix = path.resolve(ctx.cwd, typeof opts['out'] === 'string' ? opts['out'] : 'smart-client');
  const force = opts['force'] === true;
  // --output jwks: the files are still written (the private key has to live somewhere); stdout gets the public JWKS alone.
  const output = checkOutputOptions(ctx, typeof opts['output'] === 'string' ? opts['output'] : undefined);
  const privatePath = `${prefix}.private.pem`;
  const jwksPath = `${prefix}.jwks.json`;
  // `--out keys/my-app`: a missing folder is made, private to the user (it will hold a private key).
  const dir = path.dirname(prefix);
  try {
    const made = await mkdir(dir, { recursive: true, mode: 0o700 });
    if (made !== undefined) ctx.narrate.step(`created ${dir} (mode 0700)`);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw inputError('directory-uncreatable', `cannot create the folder "${dir}"${code !== undefined ? ` (${code})` : ''}`, 'Choose an --out prefix in a folder you can write to.');
  }
  ctx.narrate.step(`generating an ${alg} key pair`);
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS384' ? { modulusLength: 3072 } : {}) });
  const pub = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(pub, 'sha256');
  const jwks = { keys: [{ ...pub, kid, alg, use: 'sig' }] };
  await writeNew(privatePath, await exportPKCS8(privateKey), 0o600, force);
  await writeNew(jwksPath, `${JSON.stringify(jwks, null, 2)}\n`, 0o644, force);
  if (output !== undefined) output.value = JSON.stringify(jwks, null, 2);
  return makeReport({
    command: 'keygen',
    findings: [
      makeFinding({
        id: 'register-public-jwks',
        severity: 'info',
        title: 'register the public JWKS with the EHR, keep the PEM private',
        detail: `kid "${kid}" (RFC 7638 thumbprint); the EHR verifies your client assertions with it`,
        fix: `Upload ${path.basename(jwksPath)} (or host it and register its URL as jwks_uri), then sign with: smartctl jwt-assert --key ${path.basename(privatePath)} --client-id <id> --aud <token-url>`,
        spec: 'smart-client-asymmetric',
      }),
    ],
    data: { alg, kid, privateKeyFile: privatePath, jwksFile: jwksPath, jwks },
    sections: [
      { title: 'Key pair', rows: [['alg', alg], ['kid', kid], ['private key', `${privatePath} (mode 0600)`], ['public JWKS', jwksPath]] },
      { title: 'Public JWKS to register', code: JSON.stringify(jwks, null, 2) },
    ],
    summary: `wrote ${alg} key pair`,
    output,
  });
}
