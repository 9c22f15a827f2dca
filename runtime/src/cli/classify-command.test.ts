import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/helpers/fixtures.js';
import { classifyCommand, formatResultLine } from './classify-command.js';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: {} } };
}

// The seed's label_image output: '{:08.6f}: {}' per result, then 'time: {:.3f}ms'.
const RESULT_LINE = /^\d\.\d{6}: \d+:.+$/;
const TIME_LINE = /^time: \d+\.\d{3}ms$/;

describe('classify command', () => {
  it('formats scores like the seed', () => {
    expect(formatResultLine(0.913725, 653, 'military uniform')).toBe('0.913725: 653:military uniform');
    expect(formatResultLine(0.0039, 1, 'x')).toBe('0.003900: 1:x');
  });

  it('prints the seed format for Grace Hopper', async () => {
    const t = io();
    const code = await classifyCommand(
      [
        '-i',
        fixture('images/grace_hopper.bmp'),
        '-m',
        fixture('models/mobilenet_v2_1.0_224_quant.tflite'),
        '-l',
        fixture('models/imagenet_labels.txt'),
      ],
      t.io,
    );
    expect(t.err).toEqual([]);
    expect(code).toBe(0);
    const lines = t.out.join('\n').split('\n');
    expect(lines).toHaveLength(6);
    lines.slice(0, 5).forEach((l) => expect(l).toMatch(RESULT_LINE));
    expect(lines[5]).toMatch(TIME_LINE);
    expect(lines[0]).toMatch(/^0\.(8[5-9]|9\d)\d{4}: 653:military uniform$/);
  });

  it('prints JSON with timings and the chosen path', async () => {
    const t = io();
    await classifyCommand(
      [
        '-i',
        fixture('images/parrot.jpg'),
        '-m',
        fixture('models/mobilenet_v2_1.0_224_quant.tflite'),
        '-l',
        fixture('models/imagenet_labels.txt'),
        '--json',
        '-k',
        '2',
        '--repeat',
        '3',
      ],
      t.io,
    );
    const r = JSON.parse(t.out.join('')) as {
      results: { index: number }[];
      timings: { runs: unknown[]; decodeMs: number };
      model: { path: string };
    };
    expect(r.results.map((x) => x.index)[0]).toBe(89);
    expect(r.results).toHaveLength(2);
    expect(r.timings.runs).toHaveLength(3);
    expect(r.model.path).toBe('builtin');
  });

  it('exits 1 with message and hint for a missing model, 2 for a bad flag', async () => {
    const t = io();
    expect(await classifyCommand(['-i', 'x.jpg'], t.io)).toBe(1);
    expect(t.err).toEqual([
      'error: missing -m MODEL (or $COREFORGE_MODEL)\nhint: run "coreforge-runtime classify --help"',
    ]);
    const u = io();
    expect(await classifyCommand(['--bogus'], u.io)).toBe(2);
  });
});
