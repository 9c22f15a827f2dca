// The model's revision: kept while what is signed stays the same, raised by one when it changes, never lowered.
import { generateKeyPairSync } from 'node:crypto';
import { signingKeyFromPem, signModel, type ModelSpec } from '@coreforge/model-assertions';
import { describe, expect, it } from 'vitest';
import { nextModelRevision } from './revision.js';

const key = signingKeyFromPem(
  generateKeyPairSync('rsa', { modulusLength: 4096 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
);
const spec = (extra: Partial<ModelSpec> = {}): ModelSpec => ({
  brandId: 'acme',
  model: 'acme-pc',
  architecture: 'amd64',
  base: 'core24',
  grade: 'dangerous',
  timestamp: new Date('2026-12-01T00:00:00Z'),
  snaps: [
    { name: 'pc', type: 'gadget', defaultChannel: '24/stable' },
    { name: 'pc-kernel', type: 'kernel', defaultChannel: '24/stable' },
  ],
  ...extra,
});

describe('nextModelRevision', () => {
  it('starts at 0 without a previous model', () => expect(nextModelRevision(undefined, spec())).toBe(0));
  it('keeps the revision when only the timestamp changed', () => {
    const prev = signModel(spec({ revision: 3 }), key);
    expect(nextModelRevision(prev, spec({ timestamp: new Date('2027-01-01T00:00:00Z') }))).toBe(3);
  });
  it('raises it by one when a signed header changed', () => {
    const prev = signModel(spec({ revision: 3 }), key);
    expect(nextModelRevision(prev, spec({ displayName: 'Acme PC' }))).toBe(4);
    expect(
      nextModelRevision(
        signModel(spec(), key),
        spec({ validationSets: [{ accountId: 'acme', name: 'base', mode: 'enforce' }] }),
      ),
    ).toBe(1);
  });
  it('never lowers it, and starts over for another model', () => {
    expect(nextModelRevision(signModel(spec({ revision: 9 }), key), spec({ revision: 2 }))).toBe(9);
    expect(nextModelRevision(signModel(spec({ revision: 9 }), key), spec({ model: 'acme-other' }))).toBe(0);
    expect(nextModelRevision('not an assertion', spec())).toBe(0);
  });
});
