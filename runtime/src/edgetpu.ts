// Finding libedgetpu (the Coral Edge TPU runtime) and the versions it is known to work with.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ENV } from './env.js';
import { RuntimeError } from './errors.js';
import { HOST_TRIPLET } from './library.js';
import { nativeAddon } from './native.js';

export const EDGETPU_CUSTOM_OP = 'edgetpu-custom-op';
const LIBRARY = 'libedgetpu.so.1';

export function locateEdgetpuLibrary(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const candidates = [
    env[ENV.EDGETPU_LIB],
    env[ENV.SNAP] ? path.join(env[ENV.SNAP]!, 'lib', LIBRARY) : undefined,
    env[ENV.SNAP] ? path.join(env[ENV.SNAP]!, 'usr', 'lib', HOST_TRIPLET, LIBRARY) : undefined,
    `/usr/lib/${HOST_TRIPLET}/${LIBRARY}`,
    `/usr/local/lib/${LIBRARY}`,
  ];
  return candidates.find((c): c is string => c !== undefined && existsSync(c));
}

/**
 * libedgetpu 16.0 is built against TFLite 2.5; it is reported to work up to 2.11 and to segfault from
 * 2.12 (google-coral/edgetpu#812). Refuse the combination known to crash.
 */
export function checkEdgetpuCompatible(tfliteVersion: string): void {
  const [major = 0, minor = 0] = tfliteVersion.split('.').map(Number);
  if (major > 2 || (major === 2 && minor >= 12))
    throw new RuntimeError(
      'EDGETPU_INCOMPATIBLE',
      `cannot use the Edge TPU with TFLite ${tfliteVersion}: libedgetpu 16.0 is built against TFLite 2.5 and crashes with 2.12 or newer`,
      'use TFLite 2.9 (the version coreforge ships) up to 2.11',
    );
}

export interface EdgetpuDeviceInfo {
  readonly type: 'usb' | 'pci';
  readonly path: string;
}

/** The Edge TPUs libedgetpu sees (edgetpu_list_devices); undefined when the library cannot list them. */
export function listEdgetpuDevices(
  env: Readonly<Record<string, string | undefined>> = process.env,
): EdgetpuDeviceInfo[] | undefined {
  const lib = locateEdgetpuLibrary(env);
  if (!lib) return undefined;
  try {
    return nativeAddon().listEdgetpuDevices(lib) ?? undefined;
  } catch (cause) {
    throw new RuntimeError(
      'EDGETPU_UNAVAILABLE',
      `cannot list Edge TPU devices: ${(cause as Error).message}`,
      undefined,
      { cause },
    );
  }
}
