// A project's changes to the reference gadget: defaults for the inference snap, connections, the Coral
// access mode, kernel command line and extra partitions.
import { GadgetError } from './errors.js';
import { BOARD_SNAP_IDS, GADGET_SNAP, referenceLayout, type GadgetTarget } from './layouts.js';
import type { GadgetYaml, Structure } from './types.js';

/** File systems an extra partition may have. */
export const PARTITION_FILESYSTEMS = ['ext4', 'vfat'] as const;
export type PartitionFilesystem = (typeof PARTITION_FILESYSTEMS)[number];

export interface GadgetCustomisation {
  readonly target: GadgetTarget;
  readonly inferenceSnap: { readonly name: string; readonly id?: string };
  /** Store id of the gadget snap being customised (the brand gadget's); default: the reference gadget's. */
  readonly gadgetSnapId?: string;
  readonly service: { readonly port: number; readonly bind: string; readonly threads: number };
  /** How the inference snap reaches a Coral, when there is one. */
  readonly coral?: 'raw-usb' | 'custom-device';
  readonly kernelCmdline: { readonly append: readonly string[]; readonly allow: readonly string[] };
  readonly partitions: readonly {
    readonly name: string;
    readonly size: string;
    readonly filesystem: PartitionFilesystem;
  }[];
}

/** Store ids of the reference gadget snaps (connections name the slot's snap by id). */
export const GADGET_SNAP_ID: Record<GadgetTarget, string> = {
  'pc-amd64': BOARD_SNAP_IDS[GADGET_SNAP['pc-amd64']]!,
  'pi-arm64': BOARD_SNAP_IDS[GADGET_SNAP['pi-arm64']]!,
};

/** The file at the root of a gadget snap whose cloud-init user data snapd applies (dangerous models only). */
export const CLOUD_CONF = 'cloud.conf';

/** The custom-device slot and plug name for the Coral USB Accelerator. */
export const CORAL_SLOT = 'coral-usb';
export const CORAL_CUSTOM_DEVICE = 'coral-tpu';

/**
 * The one place that names the inference snap's Coral plug: the raw-usb plug, or the custom-device plug, which the
 * snap declares under its custom-device value (builder passes CORAL_CUSTOM_DEVICE to the snap spec). Gadget
 * connections, the snap and every hint use this.
 */
export function coralPlugName(access: 'raw-usb' | 'custom-device'): string {
  return access === 'raw-usb' ? 'raw-usb' : CORAL_CUSTOM_DEVICE;
}

export interface CustomisedGadget {
  readonly yaml: GadgetYaml & {
    readonly 'kernel-cmdline'?: { readonly append?: readonly string[]; readonly allow?: readonly string[] };
  };
  readonly warnings: readonly string[];
}

/** The reference layout for the target, customised. */
export function customiseGadget(c: GadgetCustomisation): CustomisedGadget {
  return applyCustomisation(referenceLayout(c.target), c);
}

/**
 * Applies the project's customisation to an existing gadget.yaml (the reference one, or one taken from an
 * upstream gadget snap): everything it does not set is kept as it is.
 */
export function applyCustomisation(base: GadgetYaml, c: GadgetCustomisation): CustomisedGadget {
  const warnings: string[] = [];
  const bootVolume =
    Object.entries(base.volumes).find(([, v]) => v.bootloader !== undefined) ?? Object.entries(base.volumes)[0];
  if (!bootVolume) throw new GadgetError('CUSTOMISATION_INVALID', 'cannot customise a gadget.yaml without volumes');
  const [volName, vol] = bootVolume;
  const extra: Structure[] = c.partitions.map((p) => ({
    name: p.name,
    type: vol.schema === 'mbr' ? '83' : '0FC63DAF-8483-4772-8E79-3D69D8477DE4',
    filesystem: p.filesystem,
    'filesystem-label': p.name,
    size: p.size,
  }));
  if (extra.length > 0 && vol.schema === 'mbr')
    throw new GadgetError(
      'CUSTOMISATION_INVALID',
      `cannot add partitions to volume "${volName}": an MBR disk has four primary partitions and the ${c.target} layout uses all of them`,
    );
  const id = c.inferenceSnap.id;
  const defaults = {
    ...base.defaults,
    ...(id && {
      [id]: {
        ...base.defaults?.[id],
        port: String(c.service.port),
        bind: c.service.bind,
        threads: String(c.service.threads),
      },
    }),
  };
  const connections: { plug: string; slot?: string }[] = [...(base.connections ?? [])];
  if (c.coral) {
    if (!id)
      warnings.push(
        `gadget connections apply only to snaps with a store id: the local inference snap "${c.inferenceSnap.name}" will not be connected at first boot; run "snap connect ${c.inferenceSnap.name}:${coralPlugName(c.coral)}" on the device`,
      );
    else {
      const wanted =
        c.coral === 'raw-usb'
          ? { plug: `${id}:raw-usb`, slot: 'system:raw-usb' }
          : {
              plug: `${id}:${coralPlugName(c.coral)}`,
              slot: `${c.gadgetSnapId ?? GADGET_SNAP_ID[c.target]}:${CORAL_SLOT}`,
            };
      if (!connections.some((x) => x.plug === wanted.plug && x.slot === wanted.slot)) connections.push(wanted);
    }
  }
  const cmdline = c.kernelCmdline.append.length + c.kernelCmdline.allow.length > 0;
  return {
    yaml: {
      ...base,
      volumes: { ...base.volumes, [volName]: { ...vol, structure: [...vol.structure, ...extra] } },
      ...(Object.keys(defaults).length > 0 && { defaults }),
      ...(connections.length > 0 && { connections }),
      ...(cmdline && {
        'kernel-cmdline': {
          ...(c.kernelCmdline.append.length > 0 && { append: [...c.kernelCmdline.append] }),
          ...(c.kernelCmdline.allow.length > 0 && { allow: [...c.kernelCmdline.allow] }),
        },
      }),
    },
    warnings,
  };
}

/** The gadget snap's meta/snap.yaml; with the custom-device Coral mode it declares the slot. */
export function gadgetSnapYaml(c: GadgetCustomisation, version: string): Record<string, unknown> {
  const yaml: Record<string, unknown> = {
    name: GADGET_SNAP[c.target],
    version,
    type: 'gadget',
    base: 'core24',
    summary: `${c.target} gadget (coreforge)`,
    description: 'Customised by coreforge from the reference gadget.',
    confinement: 'strict',
    grade: 'stable',
  };
  if (c.coral === 'custom-device')
    yaml.slots = {
      [CORAL_SLOT]: {
        interface: 'custom-device',
        'custom-device': CORAL_CUSTOM_DEVICE,
        devices: ['/dev/bus/usb/[0-9][0-9][0-9]/[0-9][0-9][0-9]'],
        // One rule for both ids: the accelerator re-enumerates from 1a6e:089a to 18d1:9302 once libedgetpu loads
        // its firmware, and two rules for one device overwrite each other. for-device needs snapd >= 2.66.
        'udev-tagging': [
          {
            kernel: '[0-9]*-[0-9]*',
            subsystem: 'usb',
            attributes: { idVendor: '1a6e|18d1', idProduct: '089a|9302' },
            'for-device': '/dev/bus/usb/[0-9][0-9][0-9]/[0-9][0-9][0-9]',
          },
        ],
      },
    };
  return yaml;
}

/** google-coral/libedgetpu's debian/edgetpu-accelerator.rules, for classic Ubuntu hosts. */
export const EDGETPU_UDEV_RULES = `SUBSYSTEM=="usb",ATTRS{idVendor}=="1a6e",ATTRS{idProduct}=="089a",GROUP="plugdev"
SUBSYSTEM=="usb",ATTRS{idVendor}=="18d1",ATTRS{idProduct}=="9302",GROUP="plugdev"
`;
