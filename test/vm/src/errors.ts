// The one error class of the boot-test harness (STYLE P4).

export type HarnessErrorCode =
  | 'BOOT_ASSETS_FAILED'
  | 'SNAP_INVALID'
  | 'BOOT_TIMEOUT'
  | 'SERVICE_UNREACHABLE'
  | 'CLASSIFY_FAILED'
  | 'WRONG_LABEL'
  | 'QEMU_FAILED'
  | 'INPUT_INVALID'
  | 'VM_DISK_FAILED'
  | 'SNAPD_STEP_FAILED';

export class HarnessError extends Error {
  constructor(
    readonly code: HarnessErrorCode,
    message: string,
    readonly hint?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
Object.defineProperty(HarnessError.prototype, 'name', { value: 'HarnessError', enumerable: false });
// A brand, as execa's isExecaError: the guard below needs neither instanceof nor the class's name.
const brand = Symbol('HarnessError');
Object.defineProperty(HarnessError.prototype, brand, { value: true, enumerable: false });

/** True for a HarnessError (or a subclass of it). */
export function isHarnessError(error: unknown): error is HarnessError {
  return typeof error === 'object' && error !== null && brand in error;
}
