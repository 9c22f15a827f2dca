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
