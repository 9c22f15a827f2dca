// The wizard's questions as data (STYLE P10): one row per project field, each with its flag and its check.
import { ACCOUNT_ID, isSnapName, MODEL_NAME, SNAP_ID, SNAP_NAME } from '@coreforge/model-assertions';
import {
  ACCELERATORS,
  CORAL_ACCESS,
  EDGETPU_RUNTIMES,
  GRADES,
  TARGETS,
  type Accelerator,
  type CoralAccess,
  type EdgetpuRuntime,
  type Grade,
  type Target,
  MODEL_NAME_MAX_LENGTH,
} from '../../config/types.js';

export type { ProjectAnswers } from '../../config/answers.js';

export const TARGET_CHOICES: readonly { value: Target; name: string; description: string }[] = [
  { value: 'pc-amd64', name: 'PC (amd64)', description: 'UEFI x86-64 device or VM: GPT disk, grub' },
  { value: 'pi-arm64', name: 'Raspberry Pi (arm64)', description: 'Raspberry Pi 4 / 5: MBR disk, piboot' },
];

export const GRADE_CHOICES: readonly { value: Grade; name: string; description: string }[] = [
  {
    value: 'dangerous',
    name: 'dangerous',
    description: 'development: local unsigned snaps allowed, no store ids needed',
  },
  { value: 'signed', name: 'signed', description: 'production: every snap from the store, signed' },
  { value: 'secured', name: 'secured', description: 'production with full-disk encryption enforced' },
];

export const ACCELERATOR_CHOICES: readonly { value: Accelerator; name: string; description: string }[] = [
  { value: 'none', name: 'CPU only', description: 'TFLite with XNNPACK on the CPU' },
  { value: 'coral-usb', name: 'Coral USB Accelerator', description: 'Edge TPU over USB (libedgetpu)' },
  { value: 'coral-pcie', name: 'Coral PCIe / M.2', description: 'Edge TPU on PCIe (/dev/apex_0)' },
];

export const EDGETPU_RUNTIME_CHOICES: readonly { value: EdgetpuRuntime; name: string; description: string }[] = [
  { value: 'std', name: 'std (libedgetpu1-std)', description: 'throttled clock: safe in any enclosure' },
  { value: 'max', name: 'max (libedgetpu1-max)', description: 'full clock: faster, the device runs hot' },
];

export const CORAL_ACCESS_CHOICES: readonly { value: CoralAccess; name: string; description: string }[] = [
  { value: 'raw-usb', name: 'raw-usb', description: 'works on every snapd; grants every USB device' },
  {
    value: 'custom-device',
    name: 'custom-device',
    description: 'a gadget slot for the Edge TPU only; needs snapd 2.66 or newer',
  },
];

/** Returns true, or the message to show (inquirer's validate contract). */
export type Check = (value: string) => true | string;

export const checks = {
  name: (v) => isSnapName(v) || 'expected 2-40 lowercase letters, digits and single dashes, with at least one letter',
  brand: (v) =>
    ACCOUNT_ID.test(v) ||
    'expected your store account id: 2-28 lowercase letters, digits and dashes (or a 32-character id)',
  model: (v) =>
    (v.length <= MODEL_NAME_MAX_LENGTH && MODEL_NAME.test(v)) ||
    'expected lowercase letters, digits and single dashes (snapd refuses uppercase)',
  displayName: (v) => (v.trim().length > 0 && v.length <= 255) || 'expected a non-empty name of at most 255 characters',
  signingKey: (v) =>
    SNAP_NAME.test(v) || 'expected a key name: lowercase letters, digits and single dashes, with at least one letter',
  file: (v) => v.trim().length > 0 || 'expected a file path',
  snapId: (v) =>
    SNAP_ID.test(v) ||
    "expected the snap's store id: 32 letters and digits (snapcraft register NAME, then snap info NAME)",
} satisfies Record<string, Check>;

/** The project-name default the prompt shows and --yes takes: the folder name made a snap name ("My_Project" -> "my-project"). */
export function defaultProjectName(folder: string): string | undefined {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return checks.name(name) === true ? name : undefined;
}

export const isTarget = (v: string): v is Target => (TARGETS as readonly string[]).includes(v);
export const isGrade = (v: string): v is Grade => (GRADES as readonly string[]).includes(v);
export const isAccelerator = (v: string): v is Accelerator => (ACCELERATORS as readonly string[]).includes(v);
export const isEdgetpuRuntime = (v: string): v is EdgetpuRuntime => (EDGETPU_RUNTIMES as readonly string[]).includes(v);
export const isCoralAccess = (v: string): v is CoralAccess => (CORAL_ACCESS as readonly string[]).includes(v);
