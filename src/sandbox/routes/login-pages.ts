// The pages a person uses during authorize: sign in as a demo practitioner or
// patient, pick a patient (standalone launch/patient), and consent, where scopes can
// be unticked to produce a narrower grant by hand. Each page is a GET that shows a
// form and a POST that moves the pending authorization (?tx=) on.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext } from '../context.js';
import { escapeHtml, htmlPage } from '../html.js';
import { BodyTooLargeError, mediaType, readBody, sendHtml } from '../http-io.js';
import { LIFETIME, newId, type PendingAuthorization } from '../store.js';
import { completeAuthorization, continueAuthorization, resolvePatient, sessionCookie, userById } from './authorize.js';
import { redirectError, sendErrorPage } from './error-pages.js';

type Page = 'login' | 'select-patient' | 'consent';

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  if (mediaType(req) !== 'application/x-www-form-urlencoded') return undefined;
  try {
    return new URLSearchParams(await readBody(req));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return undefined;
    throw error;
  }
}

function hidden(txId: string): string {
  return `<input type="hidden" name="tx" value="${escapeHtml(txId)}">`;
}

function loginPage(ctx: SandboxContext, txId: string, pending: PendingAuthorization): string {
  const options = ctx.data.users
    .map((u, i) => `<label><input type="radio" name="user" value="${escapeHtml(u.id)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(u.displayName)} <span class="note">(${escapeHtml(u.fhirUser)})</span></label>`)
    .join('\n');
  return htmlPage(
    'Sign in',
    `<h1>Sign in to the sandbox</h1>
<p><code>${escapeHtml(pending.request.clientId)}</code> asks you to sign in. Pick a demo user (no password).</p>
<form method="post" action="${escapeHtml(ctx.urls.issuer)}/login">${hidden(txId)}
${options}
<button type="submit">Sign in</button>
</form>`,
  );
}

function patientPage(ctx: SandboxContext, txId: string): string {
  const options = ctx.data.patients
    .map((p, i) => `<label><input type="radio" name="patient" value="${escapeHtml(p.id)}"${p.id === ctx.data.defaultPatient.id || (i === 0 && ctx.data.defaultPatient === undefined) ? ' checked' : ''}> ${escapeHtml(p.displayName)}${p.birthDate === undefined ? '' : ` <span class="note">born ${escapeHtml(p.birthDate)}</span>`} <span class="note">(Patient/${escapeHtml(p.id)})</span></label>`)
    .join('\n');
  return htmlPage(
    'Choose a patient',
    `<h1>Choose a patient</h1>
<p>The app asked for <code>launch/patient</code>: pick the patient it will work with.</p>
<form method="post" action="${escapeHtml(ctx.urls.issuer)}/select-patient">${hidden(txId)}
${options}
<button type="submit">Continue</button>
</form>`,
  );
}

function consentPage(ctx: SandboxContext, txId: string, pending: PendingAuthorization): string {
  const user = userById(ctx, pending.userId);
  const boxes = pending.request.grantable
    .map((s) => `<label><input type="checkbox" name="scope" value="${escapeHtml(s)}" checked> <code>${escapeHtml(s)}</code></label>`)
    .join('\n');
  return htmlPage(
    'Authorize',
    `<h1>Authorize ${escapeHtml(pending.request.clientId)}</h1>
<p>Signed in as ${escapeHtml(user?.displayName ?? '?')}${pending.patient === undefined ? '' : `, patient <code>Patient/${escapeHtml(pending.patient)}</code>`}.</p>
<p>Untick scopes to grant less than the app asked for.</p>
<form method="post" action="${escapeHtml(ctx.urls.issuer)}/consent">${hidden(txId)}
${boxes}
<button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}

export async function handleLoginPages(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse, page: Page, query: URLSearchParams): Promise<void> {
  const isPost = req.method === 'POST';
  const form = isPost ? await readForm(req) : query;
  if (form === undefined) {
    sendErrorPage(res, 400, 'Bad form', 'Expected an application/x-www-form-urlencoded form.');
    return;
  }
  const txId = form.get('tx') ?? '';
  const pending = ctx.store.pending.get(txId);
  if (pending === undefined) {
    sendErrorPage(res, 400, 'Authorization expired', `This authorization (tx "${txId}") is unknown or expired; start again from the app (pending authorizations live ${LIFETIME.pending} s).`);
    return;
  }
  if (!isPost) {
    const html = page === 'login' ? loginPage(ctx, txId, pending) : page === 'select-patient' ? patientPage(ctx, txId) : consentPage(ctx, txId, pending);
    sendHtml(res, 200, html);
    return;
  }
  const now = ctx.nowSeconds();
  if (page === 'login') {
    const user = userById(ctx, form.get('user') ?? undefined);
    if (user === undefined) {
      sendErrorPage(res, 400, 'Unknown user', `No demo user "${form.get('user') ?? ''}".`);
      return;
    }
    const sessionId = newId();
    ctx.store.sessions.set(sessionId, { userId: user.id, authTime: now, exp: now + LIFETIME.session });
    pending.userId = user.id;
    pending.authTime = now;
    resolvePatient(ctx, pending, user, false);
    continueAuthorization(ctx, res, txId, pending, { 'set-cookie': sessionCookie(sessionId) });
    return;
  }
  if (page === 'select-patient') {
    const patient = ctx.data.patients.find((p) => p.id === form.get('patient'));
    if (patient === undefined) {
      sendErrorPage(res, 400, 'Unknown patient', `No demo patient "${form.get('patient') ?? ''}".`);
      return;
    }
    pending.patient = patient.id;
    pending.needsPatient = false;
    continueAuthorization(ctx, res, txId, pending);
    return;
  }
  ctx.store.pending.delete(txId);
  const { request } = pending;
  if (form.get('decision') !== 'approve') {
    redirectError(ctx, res, request.redirectUri, 'access_denied', 'the user denied the authorization', request.state);
    return;
  }
  const chosen = form.getAll('scope').filter((s) => request.grantable.includes(s));
  if (chosen.length === 0) {
    redirectError(ctx, res, request.redirectUri, 'access_denied', 'the user granted no scope', request.state);
    return;
  }
  completeAuthorization(ctx, res, pending, chosen);
}
