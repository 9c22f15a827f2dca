// Public surface of @coreforge/gadget (STYLE P1): re-exports only.
export {
  applyCustomisation,
  CLOUD_CONF,
  CORAL_CUSTOM_DEVICE,
  CORAL_SLOT,
  coralPlugName,
  customiseGadget,
  EDGETPU_UDEV_RULES,
  GADGET_SNAP_ID,
  gadgetSnapYaml,
  PARTITION_FILESYSTEMS,
  type CustomisedGadget,
  type GadgetCustomisation,
  type PartitionFilesystem,
} from './customise.js';
export { GadgetError, isGadgetError, type GadgetErrorCode } from './errors.js';
export {
  ARCH_OF_TARGET,
  BOARD_SNAP_IDS,
  GADGET_SNAP,
  KERNEL_SNAP,
  REFERENCE_CHANNEL,
  referenceLayout,
  TARGETS,
  type GadgetTarget,
  type TargetArch,
} from './layouts.js';
export { renderGadgetYaml } from './render.js';
export { parseGadget } from './parse.js';
export { parseSize } from './size.js';
export type { GadgetYaml, Structure, Volume } from './types.js';
export { SNAP_ID, validateGadget } from './validate.js';
