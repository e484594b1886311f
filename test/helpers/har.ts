// HAR 1.2 validity, by the har-validator package (its har-schema JSON Schemas).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const harValidator = require('har-validator') as { har(data: unknown): Promise<boolean> };

/** Fails the test with the validator's errors when the document is not valid HAR 1.2. */
export async function assertValidHarDocument(doc: unknown): Promise<void> {
  await harValidator.har(doc).catch((error: { errors?: unknown }) => assert.fail(`not valid HAR 1.2: ${JSON.stringify(error.errors ?? error)}`));
}

/** Reads a HAR file, checks it is valid HAR 1.2, and returns it. */
export async function assertValidHar(file: string): Promise<Record<string, unknown>> {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  await assertValidHarDocument(doc);
  return doc;
}
