// coreforge release: register, upload, promote, progressive, status, rollback and next, all through snapcraft
// (builder/src/tools/snapcraft-store.ts). `dryRun` prints the exact snapcraft commands and runs none of them.
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ProjectConfig, Risk } from '../config/types.js';
import { BuilderError } from '../errors.js';
import { defaultWorkdir } from '../pipeline/runner.js';
import { STATE_FILE } from '../pipeline/state-file.js';
import { formatBytes } from '@coreforge/snaps';
import { snapDeltaReport } from '../snap/delta.js';
import type { Run } from '../tools/run.js';
import {
  parseRevisionsTable,
  parseStatusTable,
  parseUploadOutput,
  runSnapcraft,
  snapcraftPromoteArgs,
  snapcraftRegisterArgs,
  snapcraftReleaseArgs,
  snapcraftRevisionsArgs,
  snapcraftStatusArgs,
  snapcraftUploadArgs,
  type ChannelStatus,
} from '../tools/snapcraft-store.js';
import { checkHealth, describeGate } from './health.js';
import { channelOf, decideNext, previousRevision, stepLabel } from './plan.js';
import { readReleaseState, writeReleaseState, type ReleaseState } from './state.js';

export interface ReleaseContext {
  readonly config: ProjectConfig;
  readonly run: Run;
  readonly dryRun: boolean;
  readonly now: () => Date;
  /** One line for the user (commands run, decisions, the delta report). */
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
}

const shown = (args: readonly string[]) =>
  ['snapcraft', ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ');

/** Runs snapcraft, or with dryRun says what would run. */
async function snapcraft(ctx: ReleaseContext, args: readonly string[]): Promise<string | undefined> {
  if (ctx.dryRun) {
    ctx.log(`would run: ${shown(args)}`);
    return undefined;
  }
  ctx.log(`$ ${shown(args)}`);
  return (await runSnapcraft(ctx.run, args, ctx.signal ? { signal: ctx.signal } : {})).stdout;
}

/** Read-only store queries run even with dryRun (they change nothing). */
async function storeStatus(ctx: ReleaseContext): Promise<ChannelStatus[]> {
  return parseStatusTable(
    (
      await runSnapcraft(
        ctx.run,
        snapcraftStatusArgs(ctx.config.inference.snapName),
        ctx.signal ? { signal: ctx.signal } : {},
      )
    ).stdout,
  );
}

const channelName = (config: ProjectConfig, risk: string) => `${config.release.track}/${risk}`;
const snapName = (ctx: ReleaseContext) => ctx.config.inference.snapName;

export async function registerSnap(ctx: ReleaseContext): Promise<void> {
  await snapcraft(ctx, snapcraftRegisterArgs(snapName(ctx)));
}

/** The snap and brand gadget of the last build: the build's state file, else the newest matching .snap in the output folder. */
export async function lastBuild(config: ProjectConfig): Promise<{ snap?: string; gadget?: string }> {
  const found: { snap?: string; gadget?: string } = {};
  try {
    const state = JSON.parse(await readFile(path.join(defaultWorkdir(config), STATE_FILE), 'utf8')) as {
      artifacts?: { snap?: unknown; gadget?: unknown };
    };
    if (typeof state.artifacts?.snap === 'string' && existsSync(state.artifacts.snap))
      found.snap = state.artifacts.snap;
    if (typeof state.artifacts?.gadget === 'string' && existsSync(state.artifacts.gadget))
      found.gadget = state.artifacts.gadget;
  } catch {
    // no build state: look in the output folder
  }
  if (!found.snap) {
    const prefix = `${config.inference.snapName}_`;
    const names = await readdir(config.output).catch(() => [] as string[]);
    const snaps = await Promise.all(
      names
        .filter((n) => n.startsWith(prefix) && n.endsWith(`_${config.arch}.snap`))
        .map(async (n) => ({ n, t: (await stat(path.join(config.output, n))).mtimeMs })),
    );
    const newest = snaps.sort((a, b) => b.t - a.t)[0];
    if (newest) found.snap = path.join(config.output, newest.n);
  }
  return found;
}

async function snapMeta(run: Run, file: string): Promise<{ name: string; version: string; arch: string }> {
  const r = await run('unsquashfs', ['-cat', file, 'meta/snap.yaml'], { reject: false, timeout: 60_000 });
  const get = (k: string) => new RegExp(`^${k}:\\s*'?"?([^'"\\n]+)`, 'm').exec(r.stdout)?.[1]?.trim();
  const name = get('name');
  if (r.exitCode !== 0 || !name)
    throw new BuilderError('INPUT_INVALID', `cannot read meta/snap.yaml from "${file}": is it a .snap file?`);
  const arch =
    /^architectures:\s*\n\s*-\s*(\S+)/m.exec(r.stdout)?.[1] ??
    /^architectures:\s*\[\s*([^\],\s]+)/m.exec(r.stdout)?.[1] ??
    'all';
  return { name, version: get('version') ?? '', arch };
}

export interface UploadOptions {
  readonly snap?: string;
  readonly channel: Risk;
  /** The brand gadget to upload too (default: the one the last build made, if any). */
  readonly gadget?: string;
  readonly noGadget?: boolean;
}

export async function uploadSnap(ctx: ReleaseContext, options: UploadOptions): Promise<number | undefined> {
  const { config } = ctx;
  const build = await lastBuild(config);
  const file = options.snap ?? build.snap;
  if (!file || !existsSync(file))
    throw new BuilderError(
      'FILE_NOT_FOUND',
      file
        ? `cannot upload "${file}": it does not exist`
        : `cannot upload: no ${config.inference.snapName} snap in "${config.output}"`,
      'build it first: coreforge build --snapcraft (or coreforge snap pack), or pass --snap FILE',
    );
  const meta = await snapMeta(ctx.run, file);
  if (meta.name !== config.inference.snapName)
    throw new BuilderError(
      'INPUT_INVALID',
      `cannot upload "${file}": it is the snap "${meta.name}", the project's inference snap is "${config.inference.snapName}"`,
    );
  const channel = channelName(config, options.channel);
  const state = await readReleaseState(config);
  ctx.log(
    `${path.basename(file)}: ${meta.name} ${meta.version} (${meta.arch}), ${formatBytes((await stat(file)).size)} full`,
  );
  if (!ctx.dryRun) await reportDelta(ctx, state, channel, meta.arch, file);
  const out = await snapcraft(ctx, snapcraftUploadArgs(file, [channel]));
  const gadget = options.noGadget ? undefined : (options.gadget ?? build.gadget);
  if (gadget) await snapcraft(ctx, snapcraftUploadArgs(gadget, [channel]));
  if (out === undefined) return undefined;
  const revision = parseUploadOutput(out);
  const at = ctx.now().toISOString();
  const first = config.release.plan[0]!;
  // Uploading to the plan's first channel (released to all its devices) is the plan's first step.
  const done =
    first.channel === options.channel && first.percent === 100
      ? [{ step: 0, channel: first.channel, percent: 100, at }]
      : [];
  await writeReleaseState(config, {
    ...state,
    uploads: [
      ...state.uploads.filter((u) => u.revision !== revision),
      { revision, version: meta.version, arch: meta.arch, file: path.resolve(file), uploadedAt: at },
    ],
    rollout: { revision, version: meta.version, arch: meta.arch, startedAt: at, done },
  });
  ctx.log(
    `revision ${revision} is on ${channel}${done.length ? ` (plan step 1 of ${config.release.plan.length} done)` : ''}`,
  );
  return revision;
}

/** The delta the channel's devices will download, when we still have the snap of the revision it holds. */
async function reportDelta(
  ctx: ReleaseContext,
  state: ReleaseState,
  channel: string,
  arch: string,
  file: string,
): Promise<void> {
  let status: ChannelStatus[];
  try {
    status = await storeStatus(ctx);
  } catch {
    return; // a snap never released has no status yet
  }
  const [track, risk] = channel.split('/') as [string, string];
  const held = channelOf(status, track, arch, risk)?.revision;
  if (held === undefined) {
    ctx.log(`delta: ${channel} holds no revision for ${arch} yet, devices download the full snap`);
    return;
  }
  const old = state.uploads.find((u) => u.revision === held && existsSync(u.file));
  if (!old) {
    ctx.log(`delta: ${channel} holds revision ${held}, whose .snap is not here; no delta report`);
    return;
  }
  const report = await snapDeltaReport(old.file, file, {
    run: ctx.run,
    otherCompression: false,
    ...(ctx.signal && { signal: ctx.signal }),
  });
  const f = report.figures[0]!;
  ctx.log(
    `delta from revision ${held} on ${channel}: ${formatBytes(f.deltaBytes)} of ${formatBytes(f.newBytes)} full (${(f.ratio * 100).toFixed(1)}%), changed parts: ${report.changedParts.join(', ') || 'none'}`,
  );
}

export async function promote(ctx: ReleaseContext, from: Risk, to: Risk): Promise<void> {
  if (from === to)
    throw new BuilderError(
      'INPUT_INVALID',
      `cannot promote from "${from}" to itself`,
      'name two channels: --from beta --to candidate',
    );
  await snapcraft(ctx, snapcraftPromoteArgs(snapName(ctx), channelName(ctx.config, from), channelName(ctx.config, to)));
}

export async function progressive(
  ctx: ReleaseContext,
  channel: Risk,
  percent: number,
  revision?: number,
): Promise<void> {
  if (!Number.isInteger(percent) || percent < 1 || percent > 100)
    throw new BuilderError(
      'INPUT_INVALID',
      `cannot release to ${percent}% of devices: the percentage must be an integer from 1 to 100`,
      'for example --percent 20',
    );
  const rev = revision ?? (await readReleaseState(ctx.config)).rollout?.revision;
  if (rev === undefined)
    throw new BuilderError(
      'INPUT_INVALID',
      'cannot start a progressive release: no revision uploaded by coreforge is recorded',
      'name one with --revision N, or run coreforge release upload',
    );
  await snapcraft(
    ctx,
    snapcraftReleaseArgs(snapName(ctx), rev, [channelName(ctx.config, channel)], percent < 100 ? percent : undefined),
  );
}

export async function status(ctx: ReleaseContext): Promise<ChannelStatus[]> {
  return storeStatus(ctx);
}

export function formatStatus(rows: readonly ChannelStatus[]): string {
  if (rows.length === 0) return 'no revision is released yet';
  const lines = [['track', 'arch', 'channel', 'revision', 'version', 'rollout']];
  for (const r of rows) {
    const held = r.revision !== undefined ? String(r.revision) : r.following ? '(follows)' : '-';
    const rollout = r.progressive
      ? `${r.progressive.revision} (${r.progressive.version}) to ${r.progressive.percent}%`
      : '';
    lines.push([r.track, r.arch, r.risk, held, r.version ?? '', rollout]);
  }
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  return lines
    .map((l) =>
      l
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export async function rollback(ctx: ReleaseContext, risk: Risk): Promise<number | undefined> {
  const { config } = ctx;
  const channel = channelName(config, risk);
  const arch = config.arch;
  const c = channelOf(await storeStatus(ctx), config.release.track, arch, risk);
  let target: number | undefined;
  if (c?.progressive && c.revision !== undefined) {
    target = c.revision; // stop the progressive release: everyone stays on the released revision
    ctx.log(
      `${channel} is rolling out revision ${c.progressive.revision} to ${c.progressive.percent}%: releasing revision ${target} to all its devices stops it`,
    );
  } else {
    if (c?.revision === undefined)
      throw new BuilderError(
        'RELEASE_REFUSED',
        `cannot roll back ${channel}: it holds no revision for ${arch}`,
        'coreforge release status',
      );
    const revisions = parseRevisionsTable(
      (
        await runSnapcraft(
          ctx.run,
          snapcraftRevisionsArgs(config.inference.snapName, arch),
          ctx.signal ? { signal: ctx.signal } : {},
        )
      ).stdout,
    );
    target = previousRevision(revisions, channel, arch, c.revision);
    if (target === undefined)
      throw new BuilderError(
        'RELEASE_REFUSED',
        `cannot roll back ${channel}: revision ${c.revision} is the first one it ever held for ${arch}`,
        `close the channel instead: snapcraft close ${config.inference.snapName} ${channel}`,
      );
    ctx.log(`${channel} holds revision ${c.revision}; its previous revision is ${target}`);
  }
  await snapcraft(ctx, snapcraftReleaseArgs(config.inference.snapName, target, [channel]));
  return target;
}

export async function next(ctx: ReleaseContext): Promise<'advanced' | 'done'> {
  const { config } = ctx;
  const state = await readReleaseState(config);
  const now = ctx.now();
  // The store's word on where the rollout stands (skipped in a dry run, which runs nothing that could fail on credentials).
  const complete = decideNext(config.release, state.rollout, now, []);
  if (complete.kind === 'done') {
    ctx.log(complete.message);
    return 'done';
  }
  const storeRows = ctx.dryRun || !state.rollout?.done.length ? undefined : await storeStatus(ctx);
  const decision = decideNext(
    config.release,
    state.rollout,
    now,
    storeRows ?? (state.rollout ? assumed(ctx, state) : []),
  );
  if (decision.kind === 'done') {
    ctx.log(decision.message);
    return 'done';
  }
  if (decision.kind === 'refuse') throw new BuilderError('RELEASE_REFUSED', decision.message, decision.hint);
  const rollout = state.rollout!;
  const plan = config.release.plan;
  const gate = config.release.health;
  if (decision.checkHealth && gate) {
    if (ctx.dryRun) ctx.log(`would check health: ${describeGate(gate)}`);
    else {
      const health = await checkHealth(gate, ctx.run, ctx.signal);
      if (!health.ok)
        throw new BuilderError(
          'RELEASE_REFUSED',
          `cannot advance to step ${decision.step + 1} (${stepLabel(decision.target)}): the health gate failed: ${health.detail}`,
          'fix the devices (or roll back: coreforge release rollback --channel CHANNEL), then run coreforge release next again',
        );
      ctx.log(`health: ${health.detail}`);
    }
  }
  const target = decision.target;
  const args = snapcraftReleaseArgs(
    config.inference.snapName,
    rollout.revision,
    [channelName(config, target.channel)],
    target.percent < 100 ? target.percent : undefined,
  );
  await snapcraft(ctx, args);
  if (ctx.dryRun) return 'advanced';
  const after = await storeStatus(ctx);
  const c = channelOf(after, config.release.track, rollout.arch, target.channel);
  const ok = target.percent < 100 ? c?.progressive?.revision === rollout.revision : c?.revision === rollout.revision;
  if (!ok)
    throw new BuilderError(
      'TOOL_FAILED',
      `snapcraft reported success, but the store does not show revision ${rollout.revision} on ${channelName(config, target.channel)}`,
      'check "coreforge release status" and run coreforge release next again',
    );
  await writeReleaseState(config, {
    ...state,
    rollout: {
      ...rollout,
      done: [
        ...rollout.done,
        { step: decision.step, channel: target.channel, percent: target.percent, at: now.toISOString() },
      ],
    },
  });
  const soak =
    target.soakSeconds > 0 && decision.step + 1 < plan.length
      ? `; next step after ${new Date(now.getTime() + target.soakSeconds * 1000).toISOString()}`
      : '';
  ctx.log(
    `step ${decision.step + 1} of ${plan.length} done: revision ${rollout.revision} on ${stepLabel(target)}${soak}`,
  );
  return 'advanced';
}

/** In a dry run, the store is assumed to be where our state says. */
function assumed(ctx: ReleaseContext, state: ReleaseState): ChannelStatus[] {
  const r = state.rollout!;
  const last = r.done.at(-1);
  if (!last) return [];
  const step = ctx.config.release.plan[last.step]!;
  return [
    {
      track: ctx.config.release.track,
      arch: r.arch,
      risk: step.channel,
      following: false,
      ...(step.percent < 100
        ? { progressive: { revision: r.revision, version: r.version, percent: step.percent } }
        : { revision: r.revision, version: r.version }),
    },
  ];
}
