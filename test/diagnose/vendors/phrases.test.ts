// phrasesIn / clientPhrasesIn remember the last texts they matched: the rows must be the
// ones a fresh match over the table gives, whatever was asked before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { clientPhrasesIn, phrasesIn, VENDOR_PHRASES } from '../../../src/diagnose/vendors/index.js';
import { CLIENT_LIBRARIES } from '../../../src/diagnose/vendors/client-libraries.js';

const SAMPLES = [
  'invalid_client urn:cerner:error:authorization-server:oauth2:token:invalid-authorization-header',
  'AADSTS50011: The redirect URI does not match the redirect URIs configured',
  'unexpected JWT alg received, expected RS256, got: HS256',
  'client authentication failed',
  '',
  '   ',
];

test('remembered rows equal a fresh match, in any order of asking', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.constantFrom(...SAMPLES), fc.string()), { maxLength: 40 }), (texts) => {
      for (const text of texts) {
        const fresh = text.trim() === '' ? [] : VENDOR_PHRASES.filter((p) => p.match.test(text));
        assert.deepEqual(phrasesIn(text), fresh);
        const freshClient = text.trim() === '' ? [] : CLIENT_LIBRARIES.filter((p) => p.match.test(text));
        assert.deepEqual(clientPhrasesIn(text), freshClient);
      }
    }),
  );
});

test('the samples do match rows (the comparison above is not between empty lists)', () => {
  assert.ok(phrasesIn(SAMPLES[0] ?? '').some((p) => p.findingId === 'client-assertion-in-authorization-header'));
  assert.ok(clientPhrasesIn(SAMPLES[2] ?? '').length > 0);
});
