import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProjectConfig } from '../config/types.js';
import { GadgetError } from '@coreforge/gadget';
import { BuilderError } from '../errors.js';
import type { Run } from '../tools/run.js';
import { buildImage, planBuild } from './runner.js';
import { defineStage, type ArtifactName, type Artifacts, type Stage, type StageName } from './stage.js';
import { STATE_FILE } from './state-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'coreforge-pipeline-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const config = (overrides: Partial<ProjectConfig> = {}) =>
  ({ name: 'p', model: 'm', output: dir, ...overrides }) as unknown as ProjectConfig;

/**
 * Stages that write one file each and record that they ran; `failing` throws. Each reads the file
 * input-<name> of the project folder (when present), the config field "model" (sign-model), and the outputs of
 * the stages it depends on: a chain, except that prepare-gadget reads no artifact and build-image also reads its
 * gadget, as in the real pipeline.
 */
function stages(log: string[], failing?: StageName): Stage[] {
  const names: StageName[] = [
    'pack-snap',
    'prepare-gadget',
    'sign-model',
    'build-image',
    'compress-image',
    'write-manifest',
  ];
  const key = {
    'pack-snap': 'snap',
    'prepare-gadget': 'gadget',
    'sign-model': 'model',
    'build-image': 'image',
    'compress-image': 'imageXz',
    'write-manifest': 'manifest',
  } as const;
  const deps: Record<StageName, readonly ArtifactName[]> = {
    'pack-snap': [],
    'prepare-gadget': [],
    'sign-model': ['snap'],
    'build-image': ['model', 'gadget'],
    'compress-image': ['image'],
    'write-manifest': ['imageXz'],
  };
  return names.map((name) =>
    defineStage({
      name,
      title: `do ${name}`,
      requiredTools: () => (name === 'build-image' ? ['ubuntu-image'] : []),
      needs: deps[name],
      makes: [key[name]],
      inputs: ({ config }) => ({
        files: { [`input-${name}`]: path.join(config.output, `input-${name}`) },
        config: name === 'sign-model' ? { model: config.model } : {},
      }),
      async run(ctx) {
        log.push(name);
        if (name === failing) throw new Error('boom');
        const file = path.join(ctx.config.output, `${name}.out`);
        const input = path.join(ctx.config.output, `input-${name}`);
        // The output depends on the input and on the outputs it reads, as a real stage's does.
        const hash = createHash('sha256');
        for (const a of deps[name]) hash.update(readFileSync(ctx.artifacts[a]!));
        const upstream = deps[name].length > 0 ? hash.digest('hex').slice(0, 8) : '';
        writeFileSync(
          file,
          `${name} ${existsSync(input) ? readFileSync(input, 'utf8') : ''}${upstream}${name === 'sign-model' ? ctx.config.model : ''}`,
        );
        return { [key[name]]: file } as Record<(typeof key)[StageName], string>;
      },
    }),
  );
}

const runAll: Run = async (tool) => ({ command: tool, exitCode: 0, stdout: '', stderr: '' });
const without = (missing: string) => async (tool: string) => tool !== missing;
const base = {
  run: runAll,
  locateTool: async () => true,
  signal: new AbortController().signal,
  options: { snapcraft: false },
  renderer: 'silent' as const,
};

describe('build pipeline', () => {
  it('runs every stage in order, passing artifacts on, and records them in the state file', async () => {
    const log: string[] = [];
    const result = await buildImage({ ...base, config: config(), stages: stages(log) });
    expect(log).toEqual([
      'pack-snap',
      'prepare-gadget',
      'sign-model',
      'build-image',
      'compress-image',
      'write-manifest',
    ]);
    expect(result.artifacts.image).toBe(path.join(dir, 'build-image.out'));
    const state = JSON.parse(readFileSync(path.join(dir, '.coreforge-build', STATE_FILE), 'utf8'));
    expect(Object.keys(state.stages)).toEqual(log);
    expect(state.stages['pack-snap'].outputs.snap.file).toBe(path.join(dir, 'pack-snap.out'));
  });

  it('stops before --until and after --thru', async () => {
    const a: string[] = [];
    await buildImage({ ...base, config: config(), stages: stages(a), until: 'build-image' });
    expect(a).toEqual(['pack-snap', 'prepare-gadget', 'sign-model']);
    const b: string[] = [];
    await buildImage({ ...base, config: config(), stages: stages(b), thru: 'sign-model', force: true });
    expect(b).toEqual(['pack-snap', 'prepare-gadget', 'sign-model']);
  });

  it('refuses an unknown stage name and --until with --thru, naming the stages', async () => {
    const e = await buildImage({ ...base, config: config(), stages: stages([]), until: 'pack' }).catch(
      (x: unknown) => x,
    );
    expect((e as BuilderError).code).toBe('STAGE_UNKNOWN');
    expect((e as BuilderError).message).toBe('unknown stage "pack" for --until');
    expect((e as BuilderError).hint).toBe(
      'stages, in order: pack-snap, prepare-gadget, sign-model, build-image, compress-image, write-manifest',
    );
    const both = await buildImage({
      ...base,
      config: config(),
      stages: stages([]),
      until: 'sign-model',
      thru: 'sign-model',
    }).catch((x: unknown) => x);
    expect((both as BuilderError).code).toBe('INPUT_INVALID');
  });

  it('checks every selected stage tool before the first stage runs', async () => {
    const log: string[] = [];
    const e = await buildImage({
      ...base,
      locateTool: without('ubuntu-image'),
      config: config(),
      stages: stages(log),
    }).catch((x: unknown) => x);
    expect((e as BuilderError).code).toBe('TOOL_NOT_FOUND');
    expect((e as BuilderError).message).toBe('cannot build: missing tool "ubuntu-image"');
    expect((e as BuilderError).hint).toBe(
      'ubuntu-image: sudo snap install ubuntu-image --classic (run "coreforge doctor" for the full picture)',
    );
    expect(log).toEqual([]);
    // Stopping before build-image does not need ubuntu-image.
    await buildImage({
      ...base,
      locateTool: without('ubuntu-image'),
      config: config(),
      stages: stages(log),
      until: 'build-image',
    });
    expect(log).toEqual(['pack-snap', 'prepare-gadget', 'sign-model']);
  });

  it('after a failure, reruns only the failed stage and what follows', async () => {
    const first: string[] = [];
    const e = await buildImage({ ...base, config: config(), stages: stages(first, 'build-image') }).catch(
      (x: unknown) => x,
    );
    expect((e as BuilderError).code).toBe('STAGE_FAILED');
    expect((e as BuilderError).message).toBe('stage "build-image" failed: boom');
    expect(first).toEqual(['pack-snap', 'prepare-gadget', 'sign-model', 'build-image']);
    expect(await planBuild({ config: config(), stages: stages([]), options: base.options })).toEqual([
      { name: 'pack-snap', title: 'do pack-snap', action: 'skip', reason: 'unchanged' },
      { name: 'prepare-gadget', title: 'do prepare-gadget', action: 'skip', reason: 'unchanged' },
      { name: 'sign-model', title: 'do sign-model', action: 'skip', reason: 'unchanged' },
      { name: 'build-image', title: 'do build-image', action: 'run', reason: 'not built yet' },
      { name: 'compress-image', title: 'do compress-image', action: 'run', reason: 'not built yet' },
      { name: 'write-manifest', title: 'do write-manifest', action: 'run', reason: 'not built yet' },
    ]);
    const second: string[] = [];
    const result = await buildImage({ ...base, config: config(), stages: stages(second) });
    expect(second).toEqual(['build-image', 'compress-image', 'write-manifest']);
    expect(result.skipped).toEqual(['pack-snap', 'prepare-gadget', 'sign-model']);
    expect(result.artifacts.snap).toBe(path.join(dir, 'pack-snap.out'));
    // --resume is an alias: the same decisions.
    const third: string[] = [];
    await buildImage({ ...base, config: config(), stages: stages(third), resume: true });
    expect(third).toEqual([]);
  });

  it('reruns exactly the stages whose inputs changed, and says which input', async () => {
    await buildImage({ ...base, config: config(), stages: stages([]) });
    // A file input of build-image: it and everything downstream of its (changed) output rerun.
    writeFileSync(path.join(dir, 'input-build-image'), 'v2');
    const plan = await planBuild({ config: config(), stages: stages([]), options: base.options });
    expect(plan.map((p) => [p.name, p.action, p.reason])).toEqual([
      ['pack-snap', 'skip', 'unchanged'],
      ['prepare-gadget', 'skip', 'unchanged'],
      ['sign-model', 'skip', 'unchanged'],
      ['build-image', 'run', 'changed: file input-build-image'],
      ['compress-image', 'run', 'runs if build-image changes image'],
      ['write-manifest', 'run', 'runs if compress-image changes imageXz'],
    ]);
    const log: string[] = [];
    await buildImage({ ...base, config: config(), stages: stages(log) });
    expect(log).toEqual(['build-image', 'compress-image', 'write-manifest']);
    expect(readFileSync(path.join(dir, 'build-image.out'), 'utf8')).toMatch(/^build-image v2[0-9a-f]{8}$/);
    // A gadget input: prepare-gadget and what reads the gadget rerun, not pack-snap or sign-model.
    writeFileSync(path.join(dir, 'input-prepare-gadget'), 'g2');
    expect(
      (await planBuild({ config: config(), stages: stages([]), options: base.options })).map((p) => [
        p.name,
        p.action,
        p.reason,
      ]),
    ).toEqual([
      ['pack-snap', 'skip', 'unchanged'],
      ['prepare-gadget', 'run', 'changed: file input-prepare-gadget'],
      ['sign-model', 'skip', 'unchanged'],
      ['build-image', 'run', 'runs if prepare-gadget changes gadget'],
      ['compress-image', 'run', 'runs if build-image changes image'],
      ['write-manifest', 'run', 'runs if compress-image changes imageXz'],
    ]);
    const gadget: string[] = [];
    await buildImage({ ...base, config: config(), stages: stages(gadget) });
    expect(gadget).toEqual(['prepare-gadget', 'build-image', 'compress-image', 'write-manifest']);
    // A config field only sign-model reads.
    const cfg: string[] = [];
    await buildImage({ ...base, config: config({ model: 'other' }), stages: stages(cfg) });
    expect(cfg).toEqual(['sign-model', 'build-image', 'compress-image', 'write-manifest']);
    // A stage whose output comes out byte-identical stops the rerun there.
    writeFileSync(path.join(dir, 'input-build-image'), 'v2');
    const same: string[] = [];
    await buildImage({ ...base, config: config({ model: 'other' }), stages: stages(same), force: false });
    expect(same).toEqual([]);
    const forced: string[] = [];
    await buildImage({ ...base, config: config({ model: 'other' }), stages: stages(forced), force: true });
    expect(forced).toHaveLength(6);
  });

  it('reruns a stage whose output is missing or altered', async () => {
    await buildImage({ ...base, config: config(), stages: stages([]) });
    rmSync(path.join(dir, 'sign-model.out'));
    expect((await planBuild({ config: config(), stages: stages([]), options: base.options }))[2]).toMatchObject({
      action: 'run',
      reason: `output model (${path.join(dir, 'sign-model.out')}) is missing`,
    });
    const again: string[] = [];
    await buildImage({ ...base, config: config(), stages: stages(again) });
    expect(again).toEqual(['sign-model']);
    writeFileSync(path.join(dir, 'compress-image.out'), 'tampered');
    const tampered: string[] = [];
    await buildImage({ ...base, config: config(), stages: stages(tampered) });
    expect(tampered).toEqual(['compress-image']);
    expect(readFileSync(path.join(dir, 'compress-image.out'), 'utf8')).toMatch(/^compress-image [0-9a-f]{8}$/);
    expect(existsSync(path.join(dir, '.coreforge-build', STATE_FILE))).toBe(true);
  });

  it('gives a stage only the artifacts it declared, and records only those it declared', async () => {
    const seen: unknown[] = [];
    const all = stages([]);
    const peeking = defineStage({
      name: 'write-manifest',
      title: 'peeks',
      needs: ['imageXz'],
      makes: ['manifest'],
      requiredTools: () => [],
      inputs: ({ artifacts }) => {
        seen.push(Object.keys(artifacts));
        return {};
      },
      async run(ctx) {
        // Even through a cast, what it did not declare is not there.
        seen.push(Object.keys(ctx.artifacts), (ctx.artifacts as Artifacts).image);
        const file = path.join(ctx.config.output, 'manifest.out');
        writeFileSync(file, 'm');
        return { manifest: file, sha256: file } as { manifest: string };
      },
    });
    const result = await buildImage({ ...base, config: config(), stages: [...all.slice(0, 5), peeking] });
    // inputs() when planning (nothing recorded yet) and before it runs; then run(), with its cast.
    expect(seen).toEqual([[], ['imageXz'], ['imageXz'], undefined]);
    expect(result.artifacts.sha256).toBeUndefined();
    const state = JSON.parse(readFileSync(path.join(dir, '.coreforge-build', STATE_FILE), 'utf8'));
    expect(Object.keys(state.stages['write-manifest'].outputs)).toEqual(['manifest']);
  });

  it('fails a stage that finishes without an artifact it declares it makes', async () => {
    const liar = defineStage({
      name: 'pack-snap',
      title: 'lies',
      makes: ['snap'],
      requiredTools: () => [],
      inputs: () => ({}),
      run: async () => ({}) as { snap: string },
    });
    const e = await buildImage({ ...base, config: config(), stages: [liar] }).catch((x: unknown) => x);
    expect((e as BuilderError).code).toBe('STAGE_FAILED');
    expect((e as BuilderError).message).toBe('stage "pack-snap" finished without making its snap artifact');
  });

  it('keeps the code of our typed errors (by their brand) and wraps a look-alike', async () => {
    const throwing = (error: Error) => [
      defineStage({
        name: 'pack-snap',
        title: 'throws',
        makes: ['snap'],
        requiredTools: () => [],
        inputs: () => ({}),
        run: async () => {
          throw error;
        },
      }),
    ];
    const real = new GadgetError('GADGET_INVALID', 'bad gadget');
    expect(await buildImage({ ...base, config: config(), stages: throwing(real) }).catch((x: unknown) => x)).toBe(real);
    // Same name and a code, but not ours: the stage failed (before, any Error named other than "Error" with a code passed).
    const lookAlike = Object.assign(new Error('bad gadget'), { name: 'GadgetError', code: 'GADGET_INVALID' });
    const e = await buildImage({ ...base, config: config(), stages: throwing(lookAlike) }).catch((x: unknown) => x);
    expect((e as BuilderError).code).toBe('STAGE_FAILED');
    expect((e as BuilderError).message).toBe('stage "pack-snap" failed: bad gadget');
    expect((e as BuilderError).cause).toBe(lookAlike);
  });
});
