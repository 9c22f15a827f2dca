// Public surface of @coreforge/gadget (STYLE P1): re-exports only.
export { applyCustomisation, CORAL_CUSTOM_DEVICE, CORAL_SLOT, coralPlugName, customiseGadget, EDGETPU_UDEV_RULES, GADGET_SNAP_ID, gadgetSnapYaml, type CustomisedGadget, type GadgetCustomisation } from './customise.js';
export { GadgetError, type GadgetErrorCode } from './errors.js';
export { GADGET_SNAP, referenceLayout, TARGETS, type GadgetTarget } from './layouts.js';
export { renderGadgetYaml } from './render.js';
export { parseGadget } from './parse.js';
export { parseSize } from './size.js';
export type { GadgetYaml, Structure, Volume } from './types.js';
export { validateGadget } from './validate.js';
