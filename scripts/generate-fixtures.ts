// npm run fixtures: regenerates the committed fixtures. Each area owns a generator.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate as generateFhir } from './fixtures/fhir.js';
import { generate as generateJwt } from './fixtures/jwt.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const generators: Array<[string, (root: string) => Promise<void>]> = [
  ['keys', generateJwt],
  ['fhir', generateFhir],
];

for (const [name, generate] of generators) {
  await generate(root);
  console.log(`fixtures: ${name} written`);
}
