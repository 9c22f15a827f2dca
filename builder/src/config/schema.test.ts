import { readFileSync } from 'node:fs';
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

  it('is documented in the README (node builder/scripts/schema-table.mjs --write refreshes it)', async () => {
    // @ts-expect-error plain .mjs script without types
    const { readmeWithTable } = (await import('../../scripts/schema-table.mjs')) as {
      readmeWithTable(s: string): string;
    };
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).toBe(readmeWithTable(readme));
  });
});
