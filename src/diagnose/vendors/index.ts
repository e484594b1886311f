// All vendor tables, most specific first; phrasesIn() finds the rows a server's words match.
import { ATHENAHEALTH } from './athenahealth.js';
import { AUTH0 } from './auth0.js';
import { CLIENT_LIBRARIES } from './client-libraries.js';
import { ENTRA } from './entra.js';
import { EPIC } from './epic.js';
import { GENERIC } from './generic.js';
import { KEYCLOAK } from './keycloak.js';
import { NHS_ENGLAND } from './nhs-england.js';
import { OIDC_PROVIDER } from './oidc-provider.js';
import { OKTA } from './okta.js';
import { OPENEMR } from './openemr.js';
import { ORACLE_HEALTH } from './oracle-health.js';
import { ORY } from './ory.js';
import { SMART_LAUNCHER } from './smart-launcher.js';
import { mayMatch, requiredWords, type RequiredWords } from './required-words.js';
import type { VendorPhrase } from './types.js';

export type { VendorPhrase } from './types.js';

export const VENDOR_PHRASES: readonly VendorPhrase[] = [...ORACLE_HEALTH, ...ENTRA, ...KEYCLOAK, ...OKTA, ...AUTH0, ...OIDC_PROVIDER, ...ORY, ...OPENEMR, ...ATHENAHEALTH, ...SMART_LAUNCHER, ...EPIC, ...NHS_ENGLAND, ...GENERIC];

/**
 * Rules ask about the same few texts (one answer's words) dozens of times in a run: each
 * table is matched once per text. The answers are the same either way (no pattern is
 * global or sticky, so matching leaves no state); only the last few texts are kept.
 */
const MEMO_SIZE = 16;

function memoized(table: readonly VendorPhrase[]): (text: string) => readonly VendorPhrase[] {
  const memo = new Map<string, readonly VendorPhrase[]>();
  // A row whose required words the text lacks cannot match: its pattern is not run (required-words.ts).
  let required: Array<RequiredWords | undefined> | undefined;
  const matching = (text: string): VendorPhrase[] => {
    required ??= table.map((p) => requiredWords(p.match));
    const lower = text.toLowerCase();
    const rows: VendorPhrase[] = [];
    for (let i = 0; i < table.length; i++) {
      const p = table[i] as VendorPhrase;
      if (mayMatch(required[i], text, lower) && p.match.test(text)) rows.push(p);
    }
    return rows;
  };
  return (text) => {
    let rows = memo.get(text);
    if (rows === undefined) {
      rows = text.trim() === '' ? [] : matching(text);
      if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value as string);
      memo.set(text, rows);
    }
    return rows;
  };
}

const vendorRows = memoized(VENDOR_PHRASES);
const clientRows = memoized(CLIENT_LIBRARIES);

/** Rows whose wording appears in the text, in table order (vendor-specific before generic). */
export function phrasesIn(text: string): readonly VendorPhrase[] {
  return vendorRows(text);
}

/** The same, without the generic table (its rows, a bare "redirect_uri", "invalid audience", are too weak for free text). */
export function specificPhrasesIn(text: string): VendorPhrase[] {
  return phrasesIn(text).filter((p) => !GENERIC.includes(p));
}

/** Rows of the client-library table whose wording appears in an app's error message. */
export function clientPhrasesIn(text: string): readonly VendorPhrase[] {
  return clientRows(text);
}
