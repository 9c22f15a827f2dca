// The runtime's one error class (STYLE P4). Branch on `code`, never on message text.

export type RuntimeErrorCode =
  | 'ARGUMENT_INVALID'
  | 'LIBRARY_NOT_FOUND'
  | 'LIBRARY_UNSUPPORTED'
  | 'ADDON_NOT_FOUND'
  | 'MODEL_NOT_FOUND'
  | 'MODEL_INVALID'
  | 'LABELS_INVALID'
  | 'EDGETPU_UNAVAILABLE'
  | 'EDGETPU_INCOMPATIBLE'
  | 'DELEGATE_FAILED'
  | 'IMAGE_INVALID'
  | 'IMAGE_UNSUPPORTED'
  | 'IMAGE_TOO_LARGE'
  | 'IMAGE_BUSY'
  | 'INFERENCE_FAILED'
  | 'CLOSED';

export class RuntimeError extends Error {
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    readonly hint?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
Object.defineProperty(RuntimeError.prototype, 'name', { value: 'RuntimeError', enumerable: false });
