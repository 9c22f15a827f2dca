// The shared fixtures (real models, labels, photos): $COREFORGE_FIXTURES or ../shared/fixtures beside the repo.
// Never copied into the repository.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = path.resolve(
  process.env.COREFORGE_FIXTURES ?? fileURLToPath(new URL('../../../shared/fixtures', import.meta.url)),
);

/** Absolute path of a fixture, e.g. fixture('models/mobilenet_v2_1.0_224_quant.tflite'); throws with a fix if absent. */
export function fixture(rel: string): string {
  const file = path.join(FIXTURES_DIR, rel);
  if (!existsSync(file))
    throw new Error(
      `fixture "${rel}" not found in ${FIXTURES_DIR}: set COREFORGE_FIXTURES, or run "bash examples/fetch-fixtures.sh"`,
    );
  return file;
}
