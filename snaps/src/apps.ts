// The apps, plugs and hooks shared by snapcraft.yaml and meta/snap.yaml.
import { SNAP_LAYOUT } from './scripts.js';
import type { SnapSpec } from './spec.js';

export interface AppDef {
  readonly command: string;
  readonly daemon?: 'simple';
  readonly 'install-mode'?: 'enable';
  readonly 'restart-condition'?: 'always';
  readonly plugs: readonly string[];
}

/** The plug an app uses to reach a Coral, or undefined without one. */
export function coralPlugName(spec: SnapSpec): string | undefined {
  if (!spec.coral) return undefined;
  return spec.coral.access === 'raw-usb' ? 'raw-usb' : spec.coral.customDevice;
}

/** Top-level `plugs:` (only the custom-device plug needs a declaration). */
export function topLevelPlugs(
  spec: SnapSpec,
): Record<string, { interface: string; 'custom-device': string }> | undefined {
  if (spec.coral?.access !== 'custom-device') return undefined;
  return { [spec.coral.customDevice]: { interface: 'custom-device', 'custom-device': spec.coral.customDevice } };
}

export function appDefs(spec: SnapSpec): { classify: AppDef; serve: AppDef } {
  const coral = coralPlugName(spec);
  const extra = coral ? [coral] : [];
  return {
    classify: { command: SNAP_LAYOUT.classify, plugs: ['home', ...extra] },
    serve: {
      command: SNAP_LAYOUT.serve,
      daemon: 'simple',
      'install-mode': 'enable',
      'restart-condition': 'always',
      plugs: ['network-bind', ...extra],
    },
  };
}
