// snapd's naming rules (snap/naming, asserts/model.go, asserts/header_checks.go): the one definition of each.
// builder, its wizard and its JSON Schema use these; gadget and snaps, which may import nothing of ours, keep
// copies spelled the same, pinned to these by builder/src/config/leaf-facts.test.ts.

/** A snap name (naming.ValidateSnap): lowercase letters, digits and single dashes, at least one letter, no dash at either end. */
export const SNAP_NAME = /^(?:[a-z0-9]+-?)*[a-z](?:-?[a-z0-9])*$/;
export const SNAP_NAME_LENGTH = { min: 2, max: 40 } as const;

/** True for a valid snap name (the pattern and the length). */
export function isSnapName(name: string): boolean {
  return name.length >= SNAP_NAME_LENGTH.min && name.length <= SNAP_NAME_LENGTH.max && SNAP_NAME.test(name);
}

/** A store snap id: 32 letters and digits. */
export const SNAP_ID = /^[a-zA-Z0-9]{32}$/;

/** Account ids: 32 alphanumerics (store-generated) or 2-28 lowercase letters, digits and dashes. */
export const ACCOUNT_ID = /^(?:[a-z0-9A-Z]{32}|[-a-z0-9]{2,28})$/;

/** A model name as snapd accepts it: its validModel pattern, and no uppercase letters ("limit model to only lowercase"). */
export const MODEL_NAME = /^[a-z0-9](?:-?[a-z0-9])*$/;

/** A validation set name (asserts validValidationSetName). */
export const VALIDATION_SET_NAME = /^[a-z0-9](?:-?[a-z0-9])*$/;
export const VALIDATION_SET_MODES = ['enforce', 'prefer-enforce'] as const;
export type ValidationSetMode = (typeof VALIDATION_SET_MODES)[number];
