// Snaps sourced by grade, as a table: inputs -> where each snap comes from, or snapd's refusal.
import { describe, expect, it } from 'vitest';
import { BuilderError } from '../errors.js';
import {
  planSnapSources,
  SNAPD_SIGNED_REFUSAL,
  type LocalSnapFile,
  type ModelSnapRef,
  type SourcingInput,
} from './snap-sources.js';
import { snapRevisionFor } from './snap-assertions.js';

const ID = 'c1assifierc1assifierc1assifier00';
const model = (appId?: string): ModelSnapRef[] => [
  { name: 'acme-pc', type: 'gadget', id: 'gadgetgadgetgadgetgadgetgadget00', defaultChannel: 'latest/stable' },
  { name: 'pc-kernel', type: 'kernel', id: 'pYVQrBcKmBa0mZ4CCN7ExT6jH8rY1hza', defaultChannel: '24/stable' },
  { name: 'core24', type: 'base', id: 'dwTAh7MZZ01zyriOZErqd1JynQLiOGvM', defaultChannel: 'latest/stable' },
  { name: 'snapd', type: 'snapd', id: 'PMrrV4ml8uWuEUDBT8dSGnKUYbevVhc4', defaultChannel: 'latest/stable' },
  { name: 'classifier', type: 'app', ...(appId && { id: appId }), defaultChannel: 'latest/stable' },
];
const app: LocalSnapFile = { file: '/out/classifier_0.1.0_amd64.snap', name: 'classifier' };
const assertedApp: LocalSnapFile = { ...app, assertion: { snapId: ID, revision: '7' } };
const gadget: LocalSnapFile = {
  file: '/out/acme-pc_24.snap',
  name: 'acme-pc',
  assertion: { snapId: 'gadgetgadgetgadgetgadgetgadget00', revision: '3' },
};
const extra: LocalSnapFile = { file: '/tmp/htop.snap', name: 'htop' };

function outcome(i: SourcingInput): string {
  try {
    const p = planSnapSources(i);
    return `${p.sources.map((s) => `${s.name}:${s.origin}${s.extra ? '+extra' : ''}`).join(' ')} | --snap ${p.snapArgs.join(' ')}${p.channel ? ` --channel ${p.channel}` : ''}`;
  } catch (e) {
    if (!(e instanceof BuilderError)) throw e;
    return `${e.code}: ${e.message}`;
  }
}

const R = `SEED_REFUSED: cannot build the image`;
const ROWS: [string, SourcingInput, string][] = [
  [
    'dangerous, local app',
    { grade: 'dangerous', modelSnaps: model(), local: [app] },
    'acme-pc:store pc-kernel:store core24:store snapd:store classifier:local | --snap /out/classifier_0.1.0_amd64.snap',
  ],
  [
    'dangerous, channel override',
    { grade: 'dangerous', modelSnaps: model(), local: [app], channel: 'edge' },
    'acme-pc:store pc-kernel:store core24:store snapd:store classifier:local | --snap /out/classifier_0.1.0_amd64.snap --channel edge',
  ],
  [
    'dangerous, extra snap',
    { grade: 'dangerous', modelSnaps: model(), local: [app, extra] },
    'acme-pc:store pc-kernel:store core24:store snapd:store classifier:local htop:local+extra | --snap /out/classifier_0.1.0_amd64.snap /tmp/htop.snap',
  ],
  [
    'dangerous, the app missing',
    { grade: 'dangerous', modelSnaps: model(), local: [] },
    `${R}: the model lists "classifier", which has no store id and no local file, so ubuntu-image cannot get it`,
  ],
  [
    'signed, app local with its assertions, gadget local asserted',
    { grade: 'signed', modelSnaps: model(ID), local: [gadget, assertedApp] },
    'acme-pc:local-asserted pc-kernel:store core24:store snapd:store classifier:local-asserted | --snap /out/acme-pc_24.snap /out/classifier_0.1.0_amd64.snap',
  ],
  [
    'signed, app from the store',
    { grade: 'signed', modelSnaps: model(ID), local: [gadget] },
    'acme-pc:local-asserted pc-kernel:store core24:store snapd:store classifier:store | --snap /out/acme-pc_24.snap',
  ],
  [
    'signed, unasserted local app',
    { grade: 'signed', modelSnaps: model(ID), local: [gadget, app] },
    `${R}: the local snap "/out/classifier_0.1.0_amd64.snap" has no store assertions: ${SNAPD_SIGNED_REFUSAL}`,
  ],
  [
    'signed, .assert of another file',
    {
      grade: 'signed',
      modelSnaps: model(ID),
      local: [gadget, { ...app, assertionProblem: 'classifier_0.1.0_amd64.assert has no snap-revision for this file' }],
    },
    `${R}: the local snap "/out/classifier_0.1.0_amd64.snap" has no store assertions (classifier_0.1.0_amd64.assert has no snap-revision for this file): ${SNAPD_SIGNED_REFUSAL}`,
  ],
  [
    'signed, channel override',
    { grade: 'signed', modelSnaps: model(ID), local: [gadget], channel: 'edge' },
    `${R}: channel override "edge" for grade "signed": ${SNAPD_SIGNED_REFUSAL}`,
  ],
  [
    'secured, extra snap',
    { grade: 'secured', modelSnaps: model(ID), local: [gadget, extra] },
    `${R}: "htop" (/tmp/htop.snap) is not a snap of the model: ${SNAPD_SIGNED_REFUSAL}`,
  ],
  [
    'signed, assertion for another snap id',
    {
      grade: 'signed',
      modelSnaps: model(ID),
      local: [gadget, { ...app, assertion: { snapId: 'x'.repeat(32), revision: '1' } }],
    },
    `${R}: the assertions beside "/out/classifier_0.1.0_amd64.snap" are for snap id ${'x'.repeat(32)}, but the model lists "classifier" with id ${ID}`,
  ],
];

describe('planSnapSources', () => {
  it.each(ROWS)('%s', (_, input, expected) => expect(outcome(input)).toBe(expected));

  it('warns, for dangerous, that snapd skips gadget defaults and connections for a snap without an id', () => {
    expect(planSnapSources({ grade: 'dangerous', modelSnaps: model(), local: [app] }).warnings).toEqual([
      '"classifier" is a local snap without store assertions, so it has no snap id: snapd applies no gadget defaults or connections to it (it skips them silently); set its options with "snap set" and connect its plugs with "snap connect" after first boot',
    ]);
  });

  it('says what to do instead when it refuses', () => {
    expect(() => planSnapSources({ grade: 'signed', modelSnaps: model(ID), local: [gadget, app] })).toThrow(
      expect.objectContaining({ hint: expect.stringContaining('coreforge release') }),
    );
  });
});

describe('snapRevisionFor', () => {
  const text =
    'type: account-key\nname: x\n\nSIG\n\ntype: snap-revision\nauthority-id: testrootorg\nsnap-sha3-384: abc\nsnap-id: ' +
    ID +
    '\nsnap-revision: 7\n\nSIG\n';
  it('finds the snap-revision for the digest', () =>
    expect(snapRevisionFor(text, 'abc')).toEqual({ snapId: ID, revision: '7' }));
  it('ignores one for another digest', () => expect(snapRevisionFor(text, 'abd')).toBeUndefined());
});
