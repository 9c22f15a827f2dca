// Puts test/fake-bin first on PATH for a child's environment. Stand-ins exist ONLY for tools that cannot run
// here (ubuntu-image, snapcraft); snap, mksquashfs, qemu, xz are always the real ones.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FAKE_BIN = fileURLToPath(new URL('../fake-bin', import.meta.url));
/** The slowable fault-injection fake of ubuntu-image (test/fake-bin-faults), for the kill and full-disk tests only. */
export const FAULT_FAKE_BIN = fileURLToPath(new URL('../fake-bin-faults', import.meta.url));

export function withFakeTools(
  env: NodeJS.ProcessEnv = process.env,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { ...(env as Record<string, string>), PATH: `${FAKE_BIN}${path.delimiter}${env.PATH ?? ''}`, ...extra };
}

/** test/fake-bin-faults first, then test/fake-bin: the fault-injection ubuntu-image instead of the stand-in. */
export function withFaultFakes(
  env: NodeJS.ProcessEnv = process.env,
  extra: Record<string, string> = {},
): Record<string, string> {
  const withStandIns = withFakeTools(env, extra);
  return { ...withStandIns, PATH: `${FAULT_FAKE_BIN}${path.delimiter}${withStandIns.PATH}` };
}
