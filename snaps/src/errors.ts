// The one error class of @coreforge/snaps (STYLE P4). Branch on `code`, never on message text.

export type SnapSpecErrorCode = 'SPEC_INVALID';

export class SnapSpecError extends Error {
  constructor(
    readonly code: SnapSpecErrorCode,
    message: string,
    readonly hint?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
Object.defineProperty(SnapSpecError.prototype, 'name', { value: 'SnapSpecError', enumerable: false });
// A brand, as execa's isExecaError: the guard below needs neither instanceof nor the class's name.
const brand = Symbol('SnapSpecError');
Object.defineProperty(SnapSpecError.prototype, brand, { value: true, enumerable: false });

/** True for a SnapSpecError (or a subclass of it). */
export function isSnapSpecError(error: unknown): error is SnapSpecError {
  return typeof error === 'object' && error !== null && brand in error;
}
