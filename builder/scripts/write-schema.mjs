#!/usr/bin/env node
// Writes builder/schemas/coreforge.schema.json (the published schema: editors' `$schema=` lines, the npm package,
// the README field table) from its one definition, builder/src/config/project-schema.ts, as built into dist/
// (run `npx tsc -b` first). schema.test.ts fails when the file is not what this writes.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { PROJECT_SCHEMA } from '../dist/config/project-schema.js';

const FILE = fileURLToPath(new URL('../schemas/coreforge.schema.json', import.meta.url));

/** The file's text: the schema as JSON, formatted as the repository formats JSON. */
export async function schemaText() {
  const options = (await prettier.resolveConfig(FILE)) ?? {};
  return prettier.format(JSON.stringify(PROJECT_SCHEMA), { ...options, filepath: FILE });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = await schemaText();
  if (readFileSync(FILE, 'utf8') !== text) {
    writeFileSync(`${FILE}.tmp`, text);
    renameSync(`${FILE}.tmp`, FILE);
    process.stdout.write(`wrote ${FILE}\n`);
  }
}
