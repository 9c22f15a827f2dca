// The one error class of @coreforge/model-assertions (STYLE P4).

export type ModelAssertionErrorCode =
  | 'MODEL_HEADER_INVALID'
  | 'ASSERTION_MALFORMED'
  | 'SIGNATURE_INVALID'
  | 'KEY_INVALID';

export class ModelAssertionError extends Error {
  constructor(
    readonly code: ModelAssertionErrorCode,
    message: string,
    readonly hint?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
Object.defineProperty(ModelAssertionError.prototype, 'name', { value: 'ModelAssertionError', enumerable: false });

export const headerError = (message: string) => new ModelAssertionError('MODEL_HEADER_INVALID', message);
