import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROJECT_SCHEMA, SCHEMA_FILE } from './schema.js';

describe('project schema', () => {
  it('is the published file, and lists every top-level key with a description', () => {
    expect(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'))).toEqual(PROJECT_SCHEMA);
    const props = PROJECT_SCHEMA.properties ?? {};
    expect(Object.keys(props)).toEqual([
      'name',
      'target',
      'brand',
      'model',
      'display-name',
      'grade',
      'storage-safety',
      'base',
      'snaps',
      'inference',
      'release',
      'gadget',
      'validation-sets',
      'signing',
      'output',
      'image',
    ]);
  });

  it('is written from its one definition (npx tsc -b && node builder/scripts/write-schema.mjs refreshes it)', async () => {
    // @ts-expect-error plain .mjs script without types
    const { schemaText } = (await import('../../scripts/write-schema.mjs')) as { schemaText(): Promise<string> };
    const text = await schemaText();
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(text);
    // In the definition's order (the README table's order), not only equal as objects.
    expect(JSON.stringify(JSON.parse(text))).toBe(JSON.stringify(PROJECT_SCHEMA));
    // The command the README names: with the file up to date it writes nothing.
    const script = fileURLToPath(new URL('../../scripts/write-schema.mjs', import.meta.url));
    expect(execFileSync(process.execPath, [script], { encoding: 'utf8' })).toBe('');
  });

  it('is documented in the README (node builder/scripts/schema-table.mjs --write refreshes it)', async () => {
    // @ts-expect-error plain .mjs script without types
    const { readmeWithTable } = (await import('../../scripts/schema-table.mjs')) as {
      readmeWithTable(s: string): string;
    };
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).toBe(readmeWithTable(readme));
  });
});
