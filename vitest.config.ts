import { defineConfig } from 'vitest/config';

// Fast suites: unit tests beside the code and integration tests under test/.
// Slow suites (fuzzing, packing real snaps) are named *.slow.test.ts; the ones that boot QEMU live in test/boot/
// or are named *.vm.test.ts (project vm, a lane of its own in test/run.mjs). Both run in CI and are skipped
// locally with COREFORGE_SKIP_SLOW=1 (test/run.mjs prints the reason).
const vm = ['test/boot/**/*.test.ts', '**/*.vm.test.ts'];
const slow = ['**/*.slow.test.ts'];

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources (package.json "source" condition), not to dist/.
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    globals: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          include: ['*/src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', 'test/.cache/**', ...slow, ...vm],
        },
      },
      {
        extends: true,
        test: {
          name: 'slow',
          include: slow,
          exclude: ['**/node_modules/**', '**/dist/**', 'test/.cache/**', ...vm],
          testTimeout: 600_000,
          // a beforeAll of a slow suite packs real snaps or builds VM disks: minutes on 2 loaded cores
          hookTimeout: 900_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'vm',
          include: vm,
          exclude: ['**/node_modules/**', '**/dist/**', 'test/.cache/**'],
          testTimeout: 600_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
