// parseGadget + validateGadget on a mutation table (STYLE P12): one golden gadget.yaml, one change per row,
// the exact message. No Go here; the snapd oracle (oracle.slow.test.ts) is the slow cross-check of the rules.
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { GOLDEN, MUTATIONS } from '../../test/fixtures/gadget/mutations.js';
import { GadgetError } from './errors.js';
import { parseGadget } from './parse.js';
import { validateGadget } from './validate.js';

function check(text: string): string {
  try {
    validateGadget(parseGadget(parse(text) as unknown));
    return 'ok';
  } catch (e) {
    if (!(e instanceof GadgetError)) throw e;
    return e.message;
  }
}

describe('parseGadget', () => {
  it('accepts the golden file and keeps keys it does not type', () => {
    expect(check(GOLDEN)).toBe('ok');
    const g = parseGadget(parse(GOLDEN.replace('    schema: gpt\n', '    schema: gpt\n    id: 0123\n')) as unknown);
    expect((g.volumes.pc as unknown as { id: number }).id).toBe(123);
    expect(g['kernel-cmdline' as keyof typeof g]).toEqual({ append: ['quiet'] });
  });

  it('reads a numeric MBR type as its two digits, as snapd does', () => {
    const g = parseGadget(
      parse(GOLDEN.replace('type: 83,0FC63DAF-8483-4772-8E79-3D69D8477DE4', 'type: 83')) as unknown,
    );
    expect(g.volumes.pc!.structure[3]!.type).toBe('83');
  });

  it(`names the path of the bad value in each of ${MUTATIONS.length} malformed files`, () => {
    expect(MUTATIONS.length).toBeGreaterThanOrEqual(30);
    const got = MUTATIONS.map(([label, find, replace]) => {
      if (!GOLDEN.includes(find)) throw new Error(`row "${label}": its text does not occur in the golden file`);
      return [label, check(GOLDEN.replace(find, replace))];
    });
    expect(got).toEqual(MUTATIONS.map(([label, , , message]) => [label, message]));
  });

  it('gives every shape error the code GADGET_YAML_INVALID and a hint', () => {
    try {
      parseGadget({ volumes: { pc: {} } });
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'GADGET_YAML_INVALID', hint: expect.stringContaining('gadget.yaml format') });
    }
  });
});
