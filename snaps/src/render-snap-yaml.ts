// SnapSpec -> meta/snap.yaml for the offline packer (what snapcraft would write into the built snap).
import { stringify } from 'yaml';
import { appDefs, topLevelPlugs } from './apps.js';
import { validateSnapSpec, type SnapArch, type SnapSpec } from './spec.js';

export function renderSnapYaml(input: SnapSpec, arch: SnapArch): string {
  const spec = validateSnapSpec(input);
  const doc: Record<string, unknown> = {
    name: spec.name,
    version: spec.version,
    summary: spec.summary,
    description: spec.description,
    base: 'core24',
    architectures: [arch],
    confinement: 'strict',
    grade: spec.grade,
  };
  const plugs = topLevelPlugs(spec);
  if (plugs) doc.plugs = plugs;
  doc.apps = appDefs(spec);
  return stringify(doc, { lineWidth: 0 });
}
