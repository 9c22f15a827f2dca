import { describe, expect, it } from 'vitest';
import { parseLabels } from './labels.js';

describe('parseLabels', () => {
  it('reads plain labels, one per line', () =>
    expect(parseLabels('background\ntench, Tinca tinca\n\n')).toEqual(['background', 'tench, Tinca tinca']));
  it('reads indexed labels, with gaps', () =>
    expect(parseLabels('0:background\n2 goldfish\n')).toEqual(['background', '', 'goldfish']));
  it('treats a file that is not entirely indexed as plain', () =>
    expect(parseLabels('1:a\nb\n')).toEqual(['1:a', 'b']));
});
