// The one error class of @coreforge/gadget (STYLE P4).

export type GadgetErrorCode = 'GADGET_INVALID' | 'GADGET_YAML_INVALID' | 'CUSTOMISATION_INVALID';

export class GadgetError extends Error {
  constructor(
    readonly code: GadgetErrorCode,
    message: string,
    readonly hint?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
Object.defineProperty(GadgetError.prototype, 'name', { value: 'GadgetError', enumerable: false });
// A brand, as execa's isExecaError: the guard below needs neither instanceof nor the class's name.
const brand = Symbol('GadgetError');
Object.defineProperty(GadgetError.prototype, brand, { value: true, enumerable: false });

/** True for a GadgetError (or a subclass of it). */
export function isGadgetError(error: unknown): error is GadgetError {
  return typeof error === 'object' && error !== null && brand in error;
}
