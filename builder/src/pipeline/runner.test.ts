import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProjectConfig } from '../config/types.js';
import { BuilderError } from '../errors.js';
import type { Run } from '../tools/run.js';
import { buildImage, planBuild } from './runner.js';
import type { Stage, StageName } from './stage.js';
import { STATE_FILE } from './state-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'coreforge-pipeline-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const config = (overrides: Partial<ProjectConfig> = {}) => ({ name: 'p', model: 'm', output: dir, ...overrides }) as unknown as ProjectConfig;

/** Stages that write one file each and record that they ran; `failing` throws. */
function stages(log: string[], failing?: StageName): Stage[] {
  const names: StageName[] = ['pack-snap', 'sign-model', 'build-image', 'compress-image', 'write-manifest'];
  const key = { 'pack-snap': 'snap', 'prepare-gadget': 'gadget', 'sign-model': 'model', 'build-image': 'image', 'compress-image': 'imageXz', 'write-manifest': 'manifest' } as const;
  return names.map((name) => ({
    name,
    title: `do ${name}`,
    requiredTools: () => (name === 'build-image' ? ['ubuntu-image'] : []),
    async run(ctx) {
      log.push(name);
      if (name === failing) throw new Error('boom');
      const file = path.join(ctx.config.output, `${name}.out`);
      writeFileSync(file, name);
      return { [key[name]]: file };
    },
  }));
}

const runAll: Run = async (tool) => ({ command: tool, exitCode: 0, stdout: '', stderr: '' });
const without = (missing: string) => async (tool: string) => tool !== missing;
const base = { run: runAll, locateTool: async () => true, signal: new AbortController().signal, options: { snapcraft: false }, renderer: 'silent' as const };

describe('build pipeline', () => {
  it('runs every stage in order, passing artifacts on, and records them in the state file', async () => {
    const log: string[] = [];
    const result = await buildImage({ ...base, config: config(), stages: stages(log) });
    expect(log).toEqual(['pack-snap', 'sign-model', 'build-image', 'compress-image', 'write-manifest']);
    expect(result.artifacts.image).toBe(path.join(dir, 'build-image.out'));
    const state = JSON.parse(readFileSync(path.join(dir, '.coreforge-build', STATE_FILE), 'utf8'));
    expect(state.finished).toEqual(log);
  });

  it('stops before --until and after --thru', async () => {
    const a: string[] = [];
    await buildImage({ ...base, config: config(), stages: stages(a), until: 'build-image' });
    expect(a).toEqual(['pack-snap', 'sign-model']);
    const b: string[] = [];
    await buildImage({ ...base, config: config(), stages: stages(b), thru: 'sign-model' });
    expect(b).toEqual(['pack-snap', 'sign-model']);
  });

  it('refuses an unknown stage name and --until with --thru, naming the stages', async () => {
    const e = await buildImage({ ...base, config: config(), stages: stages([]), until: 'pack' }).catch((x: unknown) => x);
    expect((e as BuilderError).code).toBe('STAGE_UNKNOWN');
    expect((e as BuilderError).message).toBe('unknown stage "pack" for --until');
    expect((e as BuilderError).hint).toBe('stages, in order: pack-snap, prepare-gadget, sign-model, build-image, compress-image, write-manifest');
    const both = await buildImage({ ...base, config: config(), stages: stages([]), until: 'sign-model', thru: 'sign-model' }).catch((x: unknown) => x);
    expect((both as BuilderError).code).toBe('INPUT_INVALID');
  });

  it('checks every selected stage tool before the first stage runs', async () => {
    const log: string[] = [];
    const e = await buildImage({ ...base, locateTool: without('ubuntu-image'), config: config(), stages: stages(log) }).catch((x: unknown) => x);
    expect((e as BuilderError).code).toBe('TOOL_NOT_FOUND');
    expect((e as BuilderError).message).toBe('cannot build: missing tool "ubuntu-image"');
    expect((e as BuilderError).hint).toBe('ubuntu-image: sudo snap install ubuntu-image --classic (run "coreforge doctor" for the full picture)');
    expect(log).toEqual([]);
    // Stopping before build-image does not need ubuntu-image.
    await buildImage({ ...base, locateTool: without('ubuntu-image'), config: config(), stages: stages(log), until: 'build-image' });
    expect(log).toEqual(['pack-snap', 'sign-model']);
  });

  it('resumes after a failure, skipping finished stages whose outputs exist', async () => {
    const first: string[] = [];
    const e = await buildImage({ ...base, config: config(), stages: stages(first, 'build-image') }).catch((x: unknown) => x);
    expect((e as BuilderError).code).toBe('STAGE_FAILED');
    expect((e as BuilderError).message).toBe('stage "build-image" failed: boom');
    expect(first).toEqual(['pack-snap', 'sign-model', 'build-image']);
    expect(await planBuild({ config: config(), stages: stages([]), resume: true, options: base.options })).toEqual([
      { name: 'pack-snap', title: 'do pack-snap', action: 'skip (done)' },
      { name: 'sign-model', title: 'do sign-model', action: 'skip (done)' },
      { name: 'build-image', title: 'do build-image', action: 'run' },
      { name: 'compress-image', title: 'do compress-image', action: 'run' },
      { name: 'write-manifest', title: 'do write-manifest', action: 'run' },
    ]);
    const second: string[] = [];
    const result = await buildImage({ ...base, config: config(), stages: stages(second), resume: true });
    expect(second).toEqual(['build-image', 'compress-image', 'write-manifest']);
    expect(result.skipped).toEqual(['pack-snap', 'sign-model']);
    expect(result.artifacts.snap).toBe(path.join(dir, 'pack-snap.out'));
  });

  it('starts over when the project changed or an output disappeared', async () => {
    await buildImage({ ...base, config: config(), stages: stages([]) });
    const changed: string[] = [];
    await buildImage({ ...base, config: config({ model: 'other' }), stages: stages(changed), resume: true });
    expect(changed).toHaveLength(5);
    rmSync(path.join(dir, 'sign-model.out'));
    const again: string[] = [];
    await buildImage({ ...base, config: config({ model: 'other' }), stages: stages(again), resume: true });
    expect(again).toHaveLength(5);
    expect(existsSync(path.join(dir, 'sign-model.out'))).toBe(true);
  });
});
