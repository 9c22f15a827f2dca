// The artifact chain, checked when a build is planned (chain.ts), on the real stage list and on broken ones.
import { describe, expect, it } from 'vitest';
import type { ProjectConfig } from '../config/types.js';
import type { BuilderError } from '../errors.js';
import { checkChain } from './chain.js';
import { planBuild } from './runner.js';
import { selectStages } from './select.js';
import { defineStage, STAGE_NAMES, type ArtifactName, type StageName } from './stage.js';
import { STAGES } from './stages.js';

/** A stage that only declares its artifacts. */
const declared = (
  name: StageName,
  a: { needs?: ArtifactName[]; uses?: ArtifactName[]; makes?: ArtifactName[]; mayMake?: ArtifactName[] },
) =>
  defineStage({
    name,
    title: name,
    ...a,
    makes: a.makes ?? [],
    requiredTools: () => [],
    inputs: () => ({}),
    run: async () => {
      throw new Error(`${name} must not run`);
    },
  });

const broken = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return error as BuilderError;
  }
  throw new Error('expected the chain to be refused');
};

describe('the artifact chain', () => {
  it('holds for the real stages, whole and for every --until and --thru', () => {
    expect(() => checkChain(STAGES)).not.toThrow();
    for (const name of STAGE_NAMES) {
      expect(() => checkChain(selectStages(STAGES, { until: name }), STAGES), `--until ${name}`).not.toThrow();
      expect(() => checkChain(selectStages(STAGES, { thru: name }), STAGES), `--thru ${name}`).not.toThrow();
    }
    // What the real stages declare: what the pipeline passes on.
    expect(STAGES.map((s) => [s.name, s.needs, s.uses, s.makes, s.mayMake])).toEqual([
      ['pack-snap', [], [], ['snap'], []],
      ['prepare-gadget', [], [], [], ['gadget']],
      ['sign-model', [], [], ['model'], []],
      ['build-image', ['model'], ['snap', 'gadget'], ['image'], []],
      ['compress-image', ['image'], [], ['bmap'], ['imageXz']],
      ['write-manifest', ['image'], ['imageXz', 'bmap', 'model', 'snap'], ['sha256', 'manifest'], []],
    ]);
  });

  it('refuses a stage whose need no earlier stage makes, naming the stage and the artifact', () => {
    const e = broken(() =>
      checkChain([declared('pack-snap', { makes: ['snap'] }), declared('build-image', { needs: ['model'] })]),
    );
    expect(e.code).toBe('STAGE_CHAIN_BROKEN');
    expect(e.message).toBe(
      'cannot plan the build: stage "build-image" needs the model artifact, which no stage before it makes',
    );
    expect(e.hint).toBe('stages, in order, with what they make: pack-snap (snap), build-image (nothing)');
  });

  it('refuses a need that only a later stage makes, or that the stage before makes only sometimes', () => {
    const later = broken(() =>
      checkChain([
        declared('build-image', { needs: ['model'], makes: ['image'] }),
        declared('sign-model', { makes: ['model'] }),
      ]),
    );
    expect(later.message).toBe(
      'cannot plan the build: stage "build-image" needs the model artifact, which only "sign-model", a later stage, makes',
    );
    const sometimes = broken(() =>
      checkChain([
        declared('compress-image', { makes: ['bmap'], mayMake: ['imageXz'] }),
        declared('write-manifest', { needs: ['imageXz'] }),
      ]),
    );
    expect(sometimes.message).toBe(
      'cannot plan the build: stage "write-manifest" needs the imageXz artifact, which "compress-image" makes only for some projects',
    );
    expect(sometimes.hint).toBe(
      'stages, in order, with what they make: compress-image (bmap, imageXz?), write-manifest (nothing)',
    );
  });

  it('is checked when the build is planned, before any input is hashed or stage runs', async () => {
    const config = { name: 'p', model: 'm', output: '/nonexistent/out' } as unknown as ProjectConfig;
    const stages = [declared('pack-snap', { makes: ['snap'] }), declared('compress-image', { needs: ['image'] })];
    const e = (await planBuild({ config, stages, options: { snapcraft: false } }).catch(
      (x: unknown) => x,
    )) as BuilderError;
    expect(e.code).toBe('STAGE_CHAIN_BROKEN');
    expect(e.message).toBe(
      'cannot plan the build: stage "compress-image" needs the image artifact, which no stage before it makes',
    );
    // Stopping before the broken stage plans fine.
    expect(await planBuild({ config, stages, options: { snapcraft: false }, until: 'compress-image' })).toHaveLength(1);
  });
});

// A stage can read only the artifacts it declared, and must return those it makes (checked by tsc).
export const typed = [
  defineStage({
    name: 'compress-image',
    title: 'reads its needs',
    needs: ['image'],
    uses: ['snap'],
    makes: ['bmap'],
    requiredTools: () => [],
    inputs: ({ artifacts }) => ({ files: { image: artifacts.image, snap: artifacts.snap } }),
    async run(ctx) {
      const image: string = ctx.artifacts.image;
      // @ts-expect-error a used artifact may be missing
      const snap: string = ctx.artifacts.snap;
      // @ts-expect-error not declared: the stage cannot read it
      void ctx.artifacts.model;
      return { bmap: `${image}${snap}.bmap` };
    },
  }),
  defineStage({
    name: 'build-image',
    title: 'forgets what it makes',
    makes: ['image'],
    requiredTools: () => [],
    inputs: () => ({}),
    // @ts-expect-error run must return every artifact the stage makes
    run: async () => ({}),
  }),
];
