// The EHR simulator: given the app's launch URL (and optionally patient, encounter,
// user), it records a launch context and sends the browser to
// <launch_url>?iss=<fhir base>&launch=<id>, as an EHR does (SMART "EHR launch").
// Also serves the smart_style_url document the token response points at.
import type { ServerResponse } from 'node:http';
import type { SandboxContext } from '../context.js';
import { escapeHtml, htmlPage } from '../html.js';
import { redirect, sendHtml, sendJson } from '../http-io.js';
import { LIFETIME, newId } from '../store.js';
import { sendErrorPage } from './error-pages.js';

function simulatorPage(ctx: SandboxContext): string {
  const patients = ctx.data.patients.map((p) => `<option value="${escapeHtml(p.id)}">${escapeHtml(p.displayName)} (Patient/${escapeHtml(p.id)})</option>`).join('');
  const users = ctx.data.users.map((u) => `<option value="${escapeHtml(u.id)}">${escapeHtml(u.displayName)}</option>`).join('');
  return htmlPage(
    'EHR launch',
    `<h1>EHR launch simulator</h1>
<p>Launches your app the way an EHR does: <code>GET &lt;launch_url&gt;?iss=${escapeHtml(ctx.urls.fhirBase)}&amp;launch=&lt;id&gt;</code>.</p>
<form method="get" action="${escapeHtml(ctx.urls.ehrLaunch)}">
<label>Your app's launch URL <input name="launch_url" size="50" placeholder="http://localhost:3000/launch" required></label>
<label>Patient <select name="patient">${patients}</select></label>
<label>User <select name="user">${users}</select></label>
<button type="submit">Launch</button>
</form>`,
  );
}

export function handleEhrLaunch(ctx: SandboxContext, res: ServerResponse, query: URLSearchParams): void {
  const launchUrl = query.get('launch_url');
  if (launchUrl === null || launchUrl === '') {
    sendHtml(res, 200, simulatorPage(ctx));
    return;
  }
  let target: URL;
  try {
    target = new URL(launchUrl);
  } catch {
    sendErrorPage(res, 400, 'Bad launch_url', `launch_url "${launchUrl}" is not an absolute URL.`);
    return;
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    sendErrorPage(res, 400, 'Bad launch_url', `launch_url must be http or https, got "${target.protocol}".`);
    return;
  }
  const patientId = query.get('patient') ?? ctx.data.defaultPatient.id;
  const patient = ctx.data.patients.find((p) => p.id === patientId);
  if (patient === undefined) {
    sendErrorPage(res, 400, 'Unknown patient', `No demo patient "${patientId}" (known: ${ctx.data.patients.map((p) => p.id).join(', ')}).`);
    return;
  }
  const userId = query.get('user') ?? ctx.data.defaultUser.id;
  if (!ctx.data.users.some((u) => u.id === userId)) {
    sendErrorPage(res, 400, 'Unknown user', `No demo user "${userId}" (known: ${ctx.data.users.map((u) => u.id).join(', ')}).`);
    return;
  }
  const encounter = query.get('encounter') ?? patient.encounterId;
  const id = newId(16);
  ctx.store.launches.set(id, { patient: patient.id, encounter: encounter ?? undefined, userId, exp: ctx.nowSeconds() + LIFETIME.launch });
  target.searchParams.set('iss', ctx.urls.fhirBase);
  target.searchParams.set('launch', id);
  redirect(res, target.toString());
}

/** The smart_style_url document (SMART "Styling"). */
export function handleSmartStyle(res: ServerResponse): void {
  sendJson(res, 200, {
    color_background: '#edeae3',
    color_error: '#9e2d2d',
    color_highlight: '#69b5ce',
    color_modal_backdrop: '',
    color_success: '#498e49',
    color_text: '#303030',
    dim_border_radius: '6px',
    dim_font_size: '13px',
    dim_spacing_size: '20px',
    font_family_body: 'Georgia, Times, serif',
    font_family_heading: '"HelveticaNeue-Light", Helvetica, Arial, sans-serif',
  }, { 'access-control-allow-origin': '*' });
}
