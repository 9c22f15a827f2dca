// Where the bench scripts find ../shared beside the checkout (fixtures, the TFLite 2.19 builds), unless
// COREFORGE_FIXTURES / COREFORGE_TFLITE_DIR name other folders; the same defaults as `npm test` (test/run.mjs).
// Importing it also sets COREFORGE_TFLITE_DIR for the builds and daemons the bench starts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const shared = fileURLToPath(new URL('../../../shared', import.meta.url));
export const fixtures = path.resolve(process.env.COREFORGE_FIXTURES ?? path.join(shared, 'fixtures'));
process.env.COREFORGE_TFLITE_DIR = path.resolve(process.env.COREFORGE_TFLITE_DIR ?? path.join(shared, 'tflite'));
export const tfliteDir = process.env.COREFORGE_TFLITE_DIR;
