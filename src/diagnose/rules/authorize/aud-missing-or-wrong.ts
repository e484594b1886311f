// aud-missing-or-wrong: the authorize request's aud is absent or is not the FHIR base URL
// the token is for (SMART App Launch: aud is required; in an EHR launch it equals iss).
// Sibling id aud-missing: the request-shape lint of an authorize URL without aud, when no
// server words name the audience (root cause only of a bare invalid_request it alone explains).
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { Evidence } from '../../evidence.js';
import { orderCauses, reportedLine, saidLine, type DiagnosisRule } from '../../rule.js';
import { authorizeAnswer, authorizeParams, bareAnswerLine, describeAnswer, isBareInvalidRequest, lintRole, authorizeSays, ehrLaunch } from './authorize-exchange.js';

/** What looks wrong with an aud value by itself (no FHIR base to compare with). */
function audShape(aud: string): string | undefined {
  if (!URL.canParse(aud)) return `aud ${JSON.stringify(aud)} is not an absolute URL; it must be the FHIR base URL`;
  const u = new URL(aud);
  if (u.pathname === '/' || u.pathname === '') return `aud ${JSON.stringify(aud)} is a bare host; FHIR base URLs usually carry a path (/fhir, /r4/<tenant>, /api/FHIR/R4)`;
  if (!/fhir|\/r[2-5]\b|\/stu3|\/dstu2/i.test(u.pathname)) return `aud ${JSON.stringify(aud)} has no FHIR segment in its path (/fhir, /fhir/r4, /r4/<tenant>): the API root is not the FHIR base`;
  return undefined;
}

export const audMissingOrWrong: DiagnosisRule = {
  id: 'aud-missing-or-wrong',
  phase: 'authorize',
  catalog: ['aud-missing-or-wrong'],
  siblings: ['aud-missing'],
  diagnose(e: Evidence): Finding[] {
    const params = authorizeParams(e);
    const said = authorizeSays(e, 'aud-missing-or-wrong');
    const aud = params?.get('aud') ?? undefined;
    const iss = ehrLaunch(e)?.iss;
    const answer = authorizeAnswer(e);
    const facts: string[] = [];
    if (params !== undefined && aud === undefined) facts.push('aud: expected the FHIR base URL, got none in the authorize request');
    if (aud !== undefined && iss !== undefined && aud !== iss) facts.push(`aud: expected the launch iss "${iss}", got "${aud}"${aud.replace(/\/+$/, '') === iss.replace(/\/+$/, '') ? ' (they differ only by a trailing slash, which counts)' : ''}`);
    const shape = aud !== undefined ? audShape(aud) : undefined;
    if (shape !== undefined) facts.push(shape);
    if (said === undefined && facts.length === 0) return [];
    if (said === undefined && params !== undefined && aud === undefined) {
      return [
        makeFinding({
          id: 'aud-missing',
          severity: 'error',
          role: lintRole(e, params, 'aud'),
          basis: 'request-shape',
          title: 'the authorize request has no aud',
          detail: [...facts, ...(bareAnswerLine(e, params) !== undefined ? [bareAnswerLine(e, params) ?? ''] : [])].join('\n'),
          fix: 'Add aud=<FHIR base URL>, the same string used for discovery (in an EHR launch, the iss).',
          spec: 'smart-authorize-params',
        }),
      ];
    }
    const lines = [...(said !== undefined && answer !== undefined ? [describeAnswer(answer)] : []), ...(said?.message !== undefined ? [reportedLine(said.message)] : []), ...(said !== undefined ? [saidLine(said.phrase)] : []), ...facts];
    const evidenceWords = `${facts.join(' ')} ${aud === undefined && params !== undefined ? 'aud-absent' : ''}`;
    return [
      makeFinding({
        id: 'aud-missing-or-wrong',
        severity: said !== undefined || (aud !== undefined && iss !== undefined && aud !== iss) ? 'error' : 'warning',
        role: said !== undefined ? 'root-cause' : isBareInvalidRequest(answer) ? 'contributing' : 'also-noticed',
        basis: said !== undefined ? 'server-words' : 'request-shape',
        title: aud === undefined && params !== undefined ? 'the authorize request has no aud' : 'the aud of the authorize request is not the FHIR base URL the server serves',
        detail: lines.join('\n'),
        // What is known decides what is listed: an aud that was sent is not missing, one that was not sent is not malformed;
        // without the URL, "invalid audience" suggests one was sent, so missing comes last.
        causes: orderCauses(
          [
            ...(params === undefined || aud !== undefined
              ? [
                  { text: 'aud is the host or API root without the FHIR path (/fhir, /fhir/r4, /r4/<tenant>).', when: /bare host|no FHIR segment/ },
                  { text: 'aud differs from the FHIR base by a trailing slash, case, or environment (sandbox vs production host).', when: /trailing slash/ },
                  { text: 'aud differs from the launch iss: in an EHR launch aud must be exactly the iss the EHR sent.', when: /launch iss/ },
                  { text: 'aud is not a URL at all (a client id or a resource name).', when: /not an absolute URL/ },
                ]
              : []),
            ...(aud === undefined ? [{ text: 'aud is missing: SMART requires it, and some servers (Epic, per organisation) refuse requests without it.', when: /aud-absent/ }] : []),
          ],
          evidenceWords,
        ),
        fix: 'Send aud set to the exact FHIR base URL, the same string used for discovery (in an EHR launch, the iss the EHR sent).',
        spec: 'smart-authorize-params',
        exchanges: answer?.response?.exchangeId !== undefined ? [answer.response.exchangeId] : undefined,
      }),
    ];
  },
};
