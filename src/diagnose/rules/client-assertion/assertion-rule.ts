// The shape every assertion-* rule shares: the server's words name the problem (a vendor
// row, or the finding id itself as smartctl's sandbox quotes it), or the local preflight of
// the assertion that was sent proves it (request-shape). A failed check on a request the
// server accepted is only noticed; a check of an assertion sent in the Authorization header
// only contributes (the server never read it as an assertion).
import { makeFinding, type Finding } from '../../../report/finding.js';
import type { SpecKey } from '../../../report/spec-links.js';
import type { Evidence, ResponseEvidence } from '../../evidence.js';
import { describeError, exchangeIdOf, messageRelays, orderCauses, reportedLine, responsesAt, saidLine, serverWords, vendorSays, type Cause, type DiagnosisRule } from '../../rule.js';
import { phrasesIn, type VendorPhrase } from '../../vendors/index.js';
import { preflight, refusesClient, type AssertionCheck, type CheckName, type Preflight } from './preflight.js';

export interface AssertionRuleSpec {
  id: string;
  catalog: readonly string[];
  /** The preflight check that proves it; none when only the server can tell (the signature). */
  check?: CheckName | undefined;
  /** Sibling ids this rule reports when the check fails that way (assertion-jti-missing for a missing jti ...). */
  siblings?: readonly string[];
  /** Title when the server's words name the problem. */
  title: string;
  causes: readonly Cause[];
  fix: string;
  spec: SpecKey;
  /** Stay silent when this (more precise) check failed: its own rule explains the answer. */
  deferWhenFailed?: CheckName | undefined;
  /** Vendor rows of these ids count as this rule's words when its own check failed ("Unable to load public key" + no kid). */
  wordsOf?: readonly string[] | undefined;
}

/** The server quotes one of these ids itself (smartctl's sandbox puts the finding id in error_description). */
function namedId(r: ResponseEvidence, ids: readonly string[]): string | undefined {
  const words = serverWords(r);
  return ids.find((id) => new RegExp(`\\(${id}\\)|\\b${id}\\b`).test(words));
}

/** A vendor row in the server's words names an assertion-* problem other than these ids. */
function namesOtherAssertionCheck(r: ResponseEvidence, ids: readonly string[]): boolean {
  return phrasesIn(serverWords(r)).some((p) => p.findingId.startsWith('assertion-') && !ids.includes(p.findingId));
}

function otherChecks(p: Preflight | undefined, except: CheckName | undefined): string | undefined {
  if (p === undefined || p.token === undefined) return undefined;
  const rest = p.checks.filter((c) => c.check !== except);
  const failed = rest.filter((c) => c.status === 'fail');
  const counts = `${rest.filter((c) => c.status === 'pass').length} pass, ${failed.length} fail, ${rest.filter((c) => c.status === 'not-checked').length} not checked`;
  return `other checks of the assertion: ${counts}${failed.length > 0 ? ` (${failed.map((c) => c.findingId).join(', ')})` : ''}`;
}

function build(s: AssertionRuleSpec, r: ResponseEvidence, p: Preflight | undefined, said: { id: string; phrase?: VendorPhrase | undefined } | undefined, failed: AssertionCheck | undefined, role: Finding['role']): Finding {
  const lines = [describeError(r)];
  if (said?.phrase !== undefined) lines.push(saidLine(said.phrase));
  else if (said !== undefined) lines.push(`the server names the check: ${said.id}`);
  // The title says what failed; the detail gives the values.
  if (failed !== undefined) lines.push(said === undefined || said.id === failed.findingId ? failed.detail : `${failed.title}: ${failed.detail}`);
  if (p?.inHeader === true) lines.push('the assertion went in "Authorization: Bearer", so the server never read it as a client assertion (client-assertion-in-authorization-header)');
  const others = otherChecks(p, s.check);
  if (others !== undefined) lines.push(others);
  const id = said?.id ?? failed?.findingId ?? s.id;
  return makeFinding({
    id,
    severity: role === 'also-noticed' ? 'warning' : 'error',
    role,
    basis: said !== undefined ? 'server-words' : 'request-shape',
    title: failed !== undefined && (said === undefined || said.id === failed.findingId) ? failed.title : s.title,
    detail: lines.join('\n'),
    causes: orderCauses(s.causes, `${serverWords(r)} ${failed?.detail ?? ''}`),
    fix: s.fix,
    spec: s.spec,
    exchanges: exchangeIdOf(r),
  });
}

/** The finding from an app message relaying the server's words: no request to preflight. */
function relayedFinding(s: AssertionRuleSpec, id: string, message: string, phrase: VendorPhrase): Finding {
  return makeFinding({
    id,
    severity: 'error',
    role: 'root-cause',
    basis: 'server-words',
    title: s.title,
    detail: [reportedLine(message), saidLine(phrase), 'the token request itself is not in the evidence: give it (--curl, or --request-body) to preflight the assertion'].join('\n'),
    causes: orderCauses(s.causes, message),
    fix: s.fix,
    spec: s.spec,
  });
}

export function assertionRule(s: AssertionRuleSpec): DiagnosisRule {
  const ids = [s.id, ...(s.siblings ?? [])];
  return {
    id: s.id,
    phase: 'client-assertion',
    catalog: s.catalog,
    siblings: s.siblings,
    diagnose(e: Evidence): Finding[] {
      const token = responsesAt(e, 'token');
      for (const r of token) {
        if (r.status < 400 || r.status >= 500) continue;
        const p = preflight(e, r);
        if (s.deferWhenFailed !== undefined && p?.checks.some((c) => c.check === s.deferWhenFailed && c.status === 'fail') === true) continue;
        const check = s.check === undefined ? undefined : p?.checks.find((c) => c.check === s.check);
        const failed = check?.status === 'fail' ? check : undefined;
        const own = ids.map((id) => vendorSays(r, id)).find((x) => x !== undefined);
        const borrowed = own === undefined && failed !== undefined ? (s.wordsOf ?? []).map((id) => vendorSays(r, id)).find((x) => x !== undefined) : undefined;
        const phrase = own ?? borrowed;
        const named = phrase === undefined ? namedId(r, ids) : undefined;
        const said = phrase !== undefined ? { id: own !== undefined ? phrase.findingId : (failed?.findingId ?? s.id), phrase } : named !== undefined ? { id: named } : undefined;
        if (said === undefined && (failed === undefined || !refusesClient(r))) continue;
        // The server's words name another assertion check (NHS England: "Invalid 'iss'/'sub' claims" for an RS512
        // assertion): this lint is true by SMART's rules but not what the server refused, so it is only noticed.
        if (said === undefined && namesOtherAssertionCheck(r, ids)) return [build(s, r, p, said, failed, 'also-noticed')];
        return [build(s, r, p, said, failed, p?.inHeader === true && said === undefined ? 'contributing' : 'root-cause')];
      }
      // Accepted anyway: worth knowing (a stricter server, or the next release, will refuse it).
      for (const r of token.filter((x) => x.status >= 200 && x.status < 300)) {
        const p = preflight(e, r);
        const failed = s.check === undefined ? undefined : p?.checks.find((c) => c.check === s.check && c.status === 'fail');
        if (failed !== undefined) return [build(s, r, p, undefined, failed, 'also-noticed')];
      }
      // No saved answer: the app's message quoting a vendor's refusal of the assertion (MSAL, a Keycloak broker log).
      if (token.some((x) => x.status >= 400)) return [];
      for (const id of ids) {
        const relayed = messageRelays(e, id);
        if (relayed?.phrase !== undefined) return [relayedFinding(s, id, relayed.message, relayed.phrase)];
      }
      return [];
    },
  };
}
