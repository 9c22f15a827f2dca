// Puts test/fake-bin first on PATH for a child's environment. Fakes exist ONLY for tools that cannot run
// here (ubuntu-image, snapcraft); snap, mksquashfs, qemu, xz are always the real ones.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FAKE_BIN = fileURLToPath(new URL('../fake-bin', import.meta.url));

export function withFakeTools(env: NodeJS.ProcessEnv = process.env, extra: Record<string, string> = {}): Record<string, string> {
  return { ...(env as Record<string, string>), PATH: `${FAKE_BIN}${path.delimiter}${env.PATH ?? ''}`, ...extra };
}
