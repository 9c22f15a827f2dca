// Snaps sourced by grade: the one decision of where each snap of the image comes from, made before ubuntu-image
// runs, with the rules of snapd's seed writer (seed/seedwriter, policy20): a model above "dangerous" takes only
// asserted snaps at the model's channels, so an unasserted local file, a channel override or a snap the model does
// not list is refused there. Here it is refused first, with snapd's reason and what to do instead.
import type { Grade } from '../config/types.js';
import { BuilderError } from '../errors.js';

/** snapd 2.57 seed/seedwriter policy20.allowsDangerousFeatures, verbatim. */
export const SNAPD_SIGNED_REFUSAL =
  'cannot override channels, add devmode snaps, local snaps, or extra snaps with a model of grade higher than dangerous';

export interface ModelSnapRef {
  readonly name: string;
  readonly type: string;
  readonly id?: string;
  readonly defaultChannel: string;
}

export interface LocalSnapFile {
  readonly file: string;
  /** The name in its meta/snap.yaml. */
  readonly name: string;
  /** The .assert beside it (what snap download writes), when it has a snap-revision for exactly this file. */
  readonly assertion?: { readonly snapId: string; readonly revision: string };
  /** Why a .assert beside it does not count (e.g. its digest is another file's). */
  readonly assertionProblem?: string;
}

export interface SourcingInput {
  readonly grade: Grade;
  readonly modelSnaps: readonly ModelSnapRef[];
  readonly local: readonly LocalSnapFile[];
  /** ubuntu-image --channel (overrides every snap's default channel). */
  readonly channel?: string;
}

export type SnapOrigin = 'local' | 'local-asserted' | 'store';

export interface SnapSource {
  readonly name: string;
  readonly origin: SnapOrigin;
  readonly file?: string;
  readonly channel: string;
  /** Not listed in the model (ubuntu-image seeds it as an extra snap). */
  readonly extra: boolean;
}

export interface SourcingPlan {
  readonly sources: readonly SnapSource[];
  /** ubuntu-image's --snap values, in order. */
  readonly snapArgs: readonly string[];
  readonly channel?: string;
  readonly warnings: readonly string[];
}

function refuse(what: string, hint: string): never {
  throw new BuilderError('SEED_REFUSED', `cannot build the image: ${what}: ${SNAPD_SIGNED_REFUSAL}`, hint);
}

/** Decides the source of every snap; throws SEED_REFUSED where snapd's seed writer would refuse the same inputs. */
export function planSnapSources(i: SourcingInput): SourcingPlan {
  const strict = i.grade !== 'dangerous';
  const byName = new Map(i.local.map((l) => [l.name, l]));
  const warnings: string[] = [];
  if (i.channel !== undefined && strict)
    refuse(
      `channel override "${i.channel}" for grade "${i.grade}"`,
      'set the channel in the model instead (snaps[].channel in coreforge.yaml), or build with grade "dangerous"',
    );
  const sources: SnapSource[] = [];
  for (const m of i.modelSnaps) {
    const local = byName.get(m.name);
    const channel = i.channel ?? m.defaultChannel;
    if (local) {
      if (!local.assertion && strict)
        refuse(
          `the local snap "${local.file}" has no store assertions${local.assertionProblem ? ` (${local.assertionProblem})` : ''}`,
          m.type === 'app'
            ? `publish "${m.name}" (coreforge release), then let the image take it from the store at the model's channel (build with --from-store ${m.name}), or pass the file snap download writes together with its .assert`
            : `publish "${m.name}" to the store under the brand account, then pass the file snap download writes together with its .assert, or let the image take it from the store (--from-store ${m.name})`,
        );
      if (local.assertion && m.id !== undefined && local.assertion.snapId !== m.id)
        throw new BuilderError(
          'SEED_REFUSED',
          `cannot build the image: the assertions beside "${local.file}" are for snap id ${local.assertion.snapId}, but the model lists "${m.name}" with id ${m.id}`,
          `check the snap id in coreforge.yaml, or download "${m.name}" again`,
        );
      if (!local.assertion && m.type === 'app')
        warnings.push(
          `"${m.name}" is a local snap without store assertions, so it has no snap id: snapd applies no gadget defaults or connections to it (it skips them silently); set its options with "snap set" and connect its plugs with "snap connect" after first boot`,
        );
      sources.push({
        name: m.name,
        origin: local.assertion ? 'local-asserted' : 'local',
        file: local.file,
        channel,
        extra: false,
      });
      continue;
    }
    if (m.id === undefined)
      throw new BuilderError(
        'SEED_REFUSED',
        `cannot build the image: the model lists "${m.name}", which has no store id and no local file, so ubuntu-image cannot get it`,
        m.type === 'app'
          ? 'run the whole build (the pack-snap stage makes the inference snap), or pass the snap with --snap FILE'
          : `pass it with --snap FILE, or give it a store id in coreforge.yaml`,
      );
    sources.push({ name: m.name, origin: 'store', channel, extra: false });
  }
  const listed = new Set(i.modelSnaps.map((m) => m.name));
  for (const l of i.local) {
    if (listed.has(l.name)) continue;
    if (strict)
      refuse(
        `"${l.name}" (${l.file}) is not a snap of the model`,
        `list "${l.name}" with its store id under snaps: in coreforge.yaml, so that the signed model names it`,
      );
    warnings.push(`"${l.name}" is not listed in the model: it is seeded as an extra snap of this image only`);
    sources.push({
      name: l.name,
      origin: l.assertion ? 'local-asserted' : 'local',
      file: l.file,
      channel: i.channel ?? 'latest/stable',
      extra: true,
    });
  }
  return {
    sources,
    snapArgs: sources.filter((s) => s.file !== undefined).map((s) => s.file!),
    ...(i.channel !== undefined && { channel: i.channel }),
    warnings,
  };
}
