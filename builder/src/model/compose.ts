// ProjectConfig -> ModelSpec: the gadget, kernel, base, snapd, the inference snap and the project's extra snaps.
import { BOARD_SNAP_IDS, GADGET_SNAP, KERNEL_SNAP, REFERENCE_CHANNEL } from '@coreforge/gadget';
import { defaultStorageSafety, type ModelSnap, type ModelSpec } from '@coreforge/model-assertions';
import type { ProjectConfig } from '../config/types.js';
import { gadgetChanges } from '../gadget/customisation.js';

/**
 * Store ids of the snaps every Coreforge model lists (REFERENCE.md, checked against the store): the gadget and
 * kernel snaps of the targets (owned by @coreforge/gadget), the bases, snapd and common extra snaps.
 */
export const WELL_KNOWN_SNAP_IDS: Readonly<Record<string, string>> = {
  snapd: 'PMrrV4ml8uWuEUDBT8dSGnKUYbevVhc4',
  core22: 'amcUKQILKXHHTlmSa7NMdnXSx02dNeeT',
  core24: 'dwTAh7MZZ01zyriOZErqd1JynQLiOGvM',
  ...BOARD_SNAP_IDS,
  'console-conf': 'ASctKBEHzVt3f1pbZLoekCvcigRjtuqw',
  'network-manager': 'RmBXKl6HO6YOC2DE4G2q1JzWImC04EUy',
};

function snap(
  name: string,
  type: ModelSnap['type'],
  defaultChannel: string,
  id: string | undefined,
  extra: Partial<ModelSnap> = {},
): ModelSnap {
  return {
    name,
    type,
    defaultChannel,
    ...((id ?? WELL_KNOWN_SNAP_IDS[name]) !== undefined && { id: id ?? WELL_KNOWN_SNAP_IDS[name] }),
    ...extra,
  };
}

export interface ComposeOptions {
  /** The model's revision (nextModelRevision decides it from the previously signed model). */
  readonly revision?: number;
}

export function composeModel(config: ProjectConfig, timestamp: Date, o: ComposeOptions = {}): ModelSpec {
  // A derived brand gadget (prepare-gadget) replaces the reference gadget in the model.
  const gadget =
    gadgetChanges(config).length > 0
      ? snap(config.gadget.snapName, 'gadget', 'latest/stable', config.gadget.snapId)
      : snap(GADGET_SNAP[config.target], 'gadget', REFERENCE_CHANNEL, undefined);
  return {
    brandId: config.brand,
    model: config.model,
    displayName: config.displayName,
    architecture: config.arch,
    base: config.base,
    grade: config.grade,
    ...(config.storageSafety !== defaultStorageSafety(config.grade) && { storageSafety: config.storageSafety }),
    snaps: [
      gadget,
      snap(KERNEL_SNAP[config.target], 'kernel', REFERENCE_CHANNEL, undefined),
      snap(config.base, 'base', 'latest/stable', undefined),
      snap('snapd', 'snapd', 'latest/stable', undefined),
      snap(config.inference.snapName, 'app', 'latest/stable', config.inference.snapId),
      ...config.snaps.map((s) =>
        snap(s.name, s.type, s.channel, s.id, {
          ...(s.presence && { presence: s.presence }),
          ...(s.modes && { modes: s.modes }),
        }),
      ),
    ],
    ...(config.validationSets.length > 0 && {
      validationSets: config.validationSets.map((v) => ({
        accountId: v.accountId,
        name: v.name,
        ...(v.sequence !== undefined && { sequence: v.sequence }),
        mode: v.mode,
      })),
    }),
    ...(o.revision !== undefined && o.revision > 0 && { revision: o.revision }),
    timestamp,
  };
}
