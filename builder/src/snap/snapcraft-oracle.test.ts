// The rendered snapcraft.yaml against snapcraft's own JSON Schema (snapcraft 9.0.1, ../shared/oracles; test data,
// never copied into the project). Our subset schema (snaps/schemas) is what the CLI checks; this is the judge.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderSnapcraftYaml } from '@coreforge/snaps';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { SNAP_SPEC_CASES } from '../../../test/helpers/snap-specs.js';

const ORACLE = fileURLToPath(new URL('../../../../shared/oracles/snapcraft.schema.json', import.meta.url));
const present = existsSync(ORACLE);
if (!present) console.warn(`skipping snapcraft's schema oracle: ${ORACLE} is missing`);

describe.skipIf(!present)("snapcraft 9.0.1's JSON schema", () => {
  const validate = present
    ? new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(ORACLE, 'utf8')) as object)
    : undefined;
  const problems = (text: string) =>
    validate!(parse(text)) ? [] : (validate!.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? ''}`);

  test.each(Object.keys(SNAP_SPEC_CASES))('accepts the rendered %s snapcraft.yaml', (name) => {
    expect(problems(renderSnapcraftYaml(SNAP_SPEC_CASES[name]!))).toEqual([]);
  });

  test('refuses what snapcraft refuses (the oracle is not a rubber stamp)', () => {
    const good = renderSnapcraftYaml(SNAP_SPEC_CASES['amd64-coral-usb']!);
    for (const [from, to] of [
      ['confinement: strict', 'confinement: loose'],
      ['grade: stable', 'grade: production'],
      ['version: 0.1.0', 'version: 0.1.0-this-version-string-is-far-too-long'],
      ['compression: xz', 'compression: zstd'],
    ] as const) {
      expect(good.includes(from), from).toBe(true);
      expect(problems(good.replace(from, to)), to).not.toEqual([]);
    }
  });
});
