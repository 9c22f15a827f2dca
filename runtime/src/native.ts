// Loads the compiled addon (a local build, or the prebuilt package for this platform) and describes its functions.
import { createRequire } from 'node:module';
import { debuglog } from 'node:util';
import { RUNTIME_ERROR_CODES, RuntimeError, type RuntimeErrorCode } from './errors.js';

const debug = debuglog('coreforge:runtime');

export interface NativeTensor {
  readonly name: string;
  readonly shape: number[];
  /** TfLiteType enum value. */
  readonly type: number;
  readonly scale: number;
  readonly zeroPoint: number;
  readonly bytes: number;
}

export interface NativeInterpreter {
  readonly handle: unknown;
  readonly path: string;
  /** The XNNPACK flags the delegate was created with; -1 when XNNPACK is not in use. */
  readonly xnnpackFlags: number;
  readonly inputs: NativeTensor[];
  readonly outputs: NativeTensor[];
}

export interface NativeAddon {
  loadLibrary(path: string): { path: string; version: string; xnnpack: boolean; xnnpackLayout: XnnpackLayout };
  createInterpreter(
    model: Buffer,
    options: {
      threads: number;
      xnnpackFlags: number;
      edgetpuLibrary?: string;
      edgetpuDevice?: string;
      /** Run a call on the JS thread when nothing is in flight and the last Invokes' median is at most this (ms); 0 or absent: never (runtime/native/infer_thread.h). */
      inlineBelowMs?: number;
    },
  ): NativeInterpreter;
  /** `inline`: the call ran on the JS thread (see inlineBelowMs). */
  invoke(handle: unknown, input: Buffer): Promise<{ output: Buffer; ms: number; inline: boolean }>;
  destroy(handle: unknown): void;
  /** null when the library has no edgetpu_list_devices. */
  listEdgetpuDevices(library: string): { type: 'usb' | 'pci'; path: string }[] | null;
}

/** Which TfLiteXNNPackDelegateOptions struct the loaded library takes (chosen natively from TfLiteVersion()). */
export type XnnpackLayout = '2.9' | '2.19' | 'none';

/** The RuntimeErrorCode the addon put on its error (`error.code`, a field apart from the message), if any. */
export function nativeCode(error: unknown): RuntimeErrorCode | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return (RUNTIME_ERROR_CODES as readonly unknown[]).includes(code) ? (code as RuntimeErrorCode) : undefined;
}

let addon: NativeAddon | undefined;

interface AddonLocation {
  readonly ADDON: string;
  prebuiltPackage(platform?: string, arch?: string): string;
}

/**
 * The addon, in order: a local build (a checkout: build/Release, build/Debug), then the prebuilt package npm
 * installs for this platform as an optional dependency (@coreforge/runtime-linux-x64 or -linux-arm64).
 */
export function nativeAddon(): NativeAddon {
  if (addon) return addon;
  const require = createRequire(import.meta.url);
  const { ADDON, prebuiltPackage } = require('../scripts/addon-location.cjs') as AddonLocation;
  const prebuilt = `${prebuiltPackage()}/${ADDON}`;
  const candidates = [`../build/Release/${ADDON}`, `../build/Debug/${ADDON}`, prebuilt];
  const errors: string[] = [];
  for (const candidate of candidates) {
    try {
      addon = require(candidate) as NativeAddon;
      debug('addon %s', candidate);
      return addon;
    } catch (error) {
      errors.push(`${candidate}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw new RuntimeError(
    'ADDON_NOT_FOUND',
    `cannot load the coreforge TFLite addon for ${process.platform}-${process.arch} (Node ${process.versions.node}):\n  ${errors.join('\n  ')}`,
    `Possible solutions: on linux x64 or arm64 (glibc), reinstall so npm installs the prebuilt ${prebuiltPackage()} (optional dependencies must not be omitted); or build from source with python3, make and g++: "npm rebuild @coreforge/runtime" where its install script is allowed (npm install-scripts approve @coreforge/runtime), or "npm run install -w runtime" in a checkout; use Node 20.17 or newer; for another architecture, cross-compile it (coreforge snap pack --arch does this)`,
  );
}

/** Copies the native error's message onto an error created at the call site, so the user's stack is kept (sharp's nativeError). */
export function nativeError(native: unknown, stack: Error): Error {
  stack.message = native instanceof Error ? native.message : String(native);
  return stack;
}
