// What `coreforge doctor` checks: every tool of the one registry that has a probe, and which steps the configured
// project needs (these decide doctor's exit code and its verdict).
import type { Arch } from '../config/types.js';
import { TOOLS, type Need, type ToolInfo, type ToolProbe } from '../tools/registry.js';

export type { Need } from '../tools/registry.js';

export type ToolCheck = ToolInfo & { readonly probe: ToolProbe };

export const TOOL_CHECKS: readonly ToolCheck[] = TOOLS.filter((t): t is ToolCheck => t.probe !== undefined);

/** What doctor knows of the project: its architecture and whether it uses a Coral (which cannot be packed offline). */
export interface DoctorProject {
  readonly arch: Arch;
  readonly coral: boolean;
}

/** One thing the user may want to do here, and the steps it needs. */
export interface Capability {
  readonly name: string;
  readonly needs: readonly Need[];
  /** Why it cannot run for this project whatever is installed (e.g. a Coral project is not packed offline). */
  readonly refused?: string;
  /** Part of "ready": the project's own pipeline as it can run on this host. */
  readonly required: boolean;
}

export function capabilities(project: DoctorProject | undefined): readonly Capability[] {
  const arch = project?.arch ?? 'amd64';
  const coral = project?.coral ?? false;
  const offlineNeeds: Need[] = [
    'runtime',
    'snap-pack',
    'gadget',
    ...(arch === 'arm64' ? (['cross-arm64'] as const) : []),
  ];
  return [
    {
      name: `pack the ${arch} snap offline (coreforge snap pack)`,
      needs: offlineNeeds,
      required: !coral,
      ...(coral && {
        refused:
          "the Edge TPU runtime comes from Coral's apt repository, so a Coral project is packed with snapcraft (coreforge build --snapcraft)",
      }),
    },
    { name: 'pack the snap with snapcraft (coreforge build --snapcraft)', needs: ['snapcraft'], required: coral },
    { name: 'OTA delta report (coreforge snap delta)', needs: ['delta'], required: !coral },
    { name: `boot-test the ${arch} snap (coreforge test --snap)`, needs: [`test-${arch}`], required: true },
    {
      name: 'test the snap under a real snapd (coreforge test --snapd)',
      needs: ['snapd-vm', 'test-amd64'],
      required: false,
      ...(arch === 'arm64' && { refused: 'the snapd VM is amd64 only' }),
    },
    { name: 'build the image (coreforge build)', needs: ['image', 'compress'], required: false },
    {
      name: 'boot-test the image (coreforge test --image)',
      needs: ['image-boot'],
      required: false,
      ...(arch === 'arm64' && {
        refused: "a pi-arm64 image boots with piboot from an MBR disk, which QEMU's UEFI firmware cannot boot",
      }),
    },
  ];
}

/** Steps the configured project needs here: these decide doctor's exit code. */
export function requiredNeeds(project: DoctorProject | undefined): readonly Need[] {
  return [
    ...new Set(
      capabilities(project)
        .filter((c) => c.required && !c.refused)
        .flatMap((c) => c.needs),
    ),
  ];
}
