// Pure decisions of `release next`: which plan step comes next, whether its soak time is over, and whether the
// revision being rolled out is where the previous step put it (the store's status says so, not our memory).
import type { ReleaseConfig, ReleaseStep } from '../config/types.js';
import type { ChannelStatus } from '../tools/snapcraft-store.js';
import type { Rollout } from './state.js';

export type NextDecision =
  | { readonly kind: 'done'; readonly message: string }
  | { readonly kind: 'refuse'; readonly message: string; readonly hint: string }
  | { readonly kind: 'advance'; readonly step: number; readonly target: ReleaseStep; readonly checkHealth: boolean };

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s >= 86400) return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${s}s`;
}

export function stepLabel(step: ReleaseStep): string {
  return step.percent < 100 ? `${step.channel} ${step.percent}%` : step.channel;
}

/** What the channel of `risk` holds for `arch` in `track`, from `snapcraft status`. */
export function channelOf(
  status: readonly ChannelStatus[],
  track: string,
  arch: string,
  risk: string,
): ChannelStatus | undefined {
  return status.find((c) => c.track === track && c.arch === arch && c.risk === risk);
}

/** Whether the store shows `revision` on the channel as the step left it (released, or rolling out at percent). */
export function holds(
  status: readonly ChannelStatus[],
  release: ReleaseConfig,
  rollout: Rollout,
  step: ReleaseStep,
): boolean {
  const c = channelOf(status, release.track, rollout.arch, step.channel);
  if (!c) return false;
  if (step.percent < 100) return c.progressive?.revision === rollout.revision && c.progressive.percent === step.percent;
  return c.revision === rollout.revision;
}

export function decideNext(
  release: ReleaseConfig,
  rollout: Rollout | undefined,
  now: Date,
  status: readonly ChannelStatus[],
): NextDecision {
  if (!rollout)
    return {
      kind: 'refuse',
      message: 'cannot advance the rollout: no revision has been uploaded yet',
      hint: 'coreforge release upload',
    };
  const plan = release.plan;
  const last = rollout.done.at(-1);
  const step = last === undefined ? 0 : last.step + 1;
  if (step >= plan.length)
    return {
      kind: 'done',
      message: `revision ${rollout.revision} (${rollout.version}) has completed the plan: ${plan.map(stepLabel).join(' -> ')}`,
    };
  if (last !== undefined) {
    const prev = plan[last.step]!;
    const waited = (now.getTime() - Date.parse(last.at)) / 1000;
    if (waited < prev.soakSeconds)
      return {
        kind: 'refuse',
        message: `cannot advance to step ${step + 1} (${stepLabel(plan[step]!)}): step ${last.step + 1} (${stepLabel(prev)}) must soak ${formatDuration(prev.soakSeconds)}, ${formatDuration(prev.soakSeconds - waited)} to go`,
        hint: `run "coreforge release next" again after ${new Date(Date.parse(last.at) + prev.soakSeconds * 1000).toISOString()}`,
      };
    if (!holds(status, release, rollout, prev))
      return {
        kind: 'refuse',
        message: `cannot advance to step ${step + 1} (${stepLabel(plan[step]!)}): the store no longer shows revision ${rollout.revision} on ${release.track}/${prev.channel}${prev.percent < 100 ? ` at ${prev.percent}%` : ''} for ${rollout.arch} (someone released another revision, or rolled back)`,
        hint: 'check "coreforge release status"; upload again to start a new rollout',
      };
  }
  return { kind: 'advance', step, target: plan[step]!, checkHealth: last !== undefined };
}

/**
 * The revision a channel had before its current one, from `snapcraft revisions` (newest first): the newest
 * revision for `arch` released to the channel in the past that is older than the current one.
 */
export function previousRevision(
  revisions: readonly {
    revision: number;
    arches: readonly string[];
    channels: readonly { channel: string; current: boolean }[];
  }[],
  channel: string,
  arch: string,
  current: number,
): number | undefined {
  return revisions
    .filter((r) => r.arches.includes(arch) && r.revision < current && r.channels.some((c) => c.channel === channel))
    .sort((a, b) => b.revision - a.revision)[0]?.revision;
}
