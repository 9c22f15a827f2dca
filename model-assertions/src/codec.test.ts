import { describe, expect, it } from 'vitest';
import { decodeHeaders, encodeHeaders, splitAssertion } from './codec.js';
import { ModelAssertionError } from './errors.js';

describe('assertion text codec', () => {
  const entries: [string, Parameters<typeof encodeHeaders>[0][number][1]][] = [
    ['type', 'model'],
    ['display-name', 'two\nlines'],
    [
      'snaps',
      [
        { name: 'pc', type: 'gadget', 'default-channel': '24/stable', modes: ['run', 'install'] },
        { name: 'core24', type: 'base' },
      ],
    ],
    ['empty', []],
    ['plain', ['a', 'b']],
  ];
  const text = [
    'type: model',
    'display-name:',
    '    two',
    '    lines',
    'snaps:',
    '  -',
    '    default-channel: 24/stable',
    '    modes:',
    '      - run',
    '      - install',
    '    name: pc',
    '    type: gadget',
    '  -',
    '    name: core24',
    '    type: base',
    'plain:',
    '  - a',
    '  - b',
  ].join('\n');

  it('encodes nested lists, maps and multi-line strings as snapd does (empty lists omitted)', () => {
    expect(encodeHeaders(entries)).toBe(text);
  });

  it('decodes what it encodes', () => {
    expect(decodeHeaders(text)).toEqual({
      type: 'model',
      'display-name': 'two\nlines',
      snaps: [
        { name: 'pc', type: 'gadget', 'default-channel': '24/stable', modes: ['run', 'install'] },
        { name: 'core24', type: 'base' },
      ],
      plain: ['a', 'b'],
    });
  });

  it('splits content and signature, with and without a body', () => {
    expect(splitAssertion('type: x\nsign-key-sha3-384: k\n\nSIG\n')).toMatchObject({
      content: 'type: x\nsign-key-sha3-384: k',
      signature: 'SIG',
      body: '',
    });
    expect(splitAssertion('type: x\nbody-length: 3\n\nabc\n\nSIG')).toMatchObject({
      content: 'type: x\nbody-length: 3\n\nabc',
      signature: 'SIG',
      body: 'abc',
    });
  });

  it.each([
    ['type: model\ntype: model\n\nS', 'cannot decode assertion: repeated header: "type"'],
    ['type model\n\nS', 'cannot decode assertion: header entry missing \':\' separator: "type model"'],
    ['Type: model\n\nS', 'cannot decode assertion: invalid header name: "Type"'],
    ['type: model', 'cannot decode assertion: assertion content/signature separator not found'],
    ['type: model\n\n', 'cannot decode assertion: empty assertion signature'],
  ])('refuses malformed text %#', (input, message) => {
    expect(() => splitAssertion(input)).toThrow(new ModelAssertionError('ASSERTION_MALFORMED', message));
  });
});
