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
