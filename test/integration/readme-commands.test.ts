// Every command the README shows in a ```sh block is in this list, with the test that runs it and a string that
// test must contain (so a renamed or deleted test fails here). A new command in the README fails this test
// until it is listed, and run. The two opening commands are run by readme-opening.vm.test.ts.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

interface RunBy {
  /** The test file that runs the command. */
  readonly test: string;
  /** What that file contains when it runs it. */
  readonly evidence: string;
  /** How, when it is not run literally. */
  readonly how?: string;
}

const RUN_BY: Readonly<Record<string, RunBy>> = {
  'bash examples/run.sh': {
    test: 'test/integration/readme-opening.vm.test.ts',
    evidence: "['examples/run.sh']",
    how: 'whole, with a 30-minute timeout',
  },
  'npm test': {
    test: 'test/integration/readme-opening.vm.test.ts',
    evidence: "'npm', ['test', '--'",
    how: 'bounded: COREFORGE_SKIP_SLOW=1 and one test file as its filter, which must end with the closing line',
  },
  'npm run pack:tarballs': { test: 'test/integration/user-repo.vm.test.ts', evidence: "['run', 'pack:tarballs']" },
  'cd ../vision && npm init -y': {
    test: 'test/integration/user-repo.vm.test.ts',
    evidence: "npm(['init', '-y'], dev)",
  },
  'npm install --save-dev ../coreforge/dist-tarballs/*.tgz': {
    test: 'test/integration/user-repo.vm.test.ts',
    evidence: "npm(['install', '--save-dev'",
  },
  'npx coreforge init --yes --brand acme': {
    test: 'test/integration/user-repo.vm.test.ts',
    evidence: "'init', '--yes', '--brand', 'acme'",
  },
  'npx coreforge config validate': {
    test: 'test/integration/user-repo.vm.test.ts',
    evidence: "'config', 'validate'",
  },
  'npx coreforge snap pack': { test: 'test/integration/user-repo.vm.test.ts', evidence: "'snap', 'pack'" },
  'npx coreforge test --snap out/vision_0.1.0_amd64.snap --image-file grace_hopper.bmp --expect "military uniform"': {
    test: 'test/integration/user-repo.vm.test.ts',
    evidence:
      "'test', '--snap', 'out/vision_0.1.0_amd64.snap', '--image-file', 'grace_hopper.bmp', '--expect', 'military uniform'",
  },
  'npx coreforge ci init': { test: 'test/integration/user-repo.vm.test.ts', evidence: "'ci', 'init'" },
  'coreforge test --snapd out/classifier_0.1.0_amd64.snap --junit out/junit-snapd.xml': {
    test: 'test/boot/snapd.test.ts',
    evidence: "'test', '--snapd', snapFile",
  },
  'coreforge flash --list': { test: 'test/integration/cli-flash.test.ts', evidence: "runCli(['flash', '--list']" },
  'sudo coreforge flash --device /dev/sdb': {
    test: 'test/integration/flash-loop.slow.test.ts',
    evidence: "'--device', dev, '--yes'",
    how: 'as root onto a loop device standing in for the card (no card is attached here)',
  },
  'classifier.classify -i photo.jpg': {
    test: 'runtime/src/cli/classify-command.test.ts',
    evidence: "classifyCommand(['-i'",
    how: 'on a device; the app runs coreforge-runtime classify, which this test runs',
  },
  'sudo snap set classifier port=9000 threads=2': {
    test: 'builder/src/snap/configure-hook.test.ts',
    evidence: 'renderConfigureHook',
    how: 'on a device; this test runs the rendered configure hook with those values through a recording snapctl',
  },
  'coreforge release register': { test: 'test/integration/release.test.ts', evidence: "readme('release', 'register')" },
  'coreforge build --snapcraft': {
    test: 'test/integration/release.test.ts',
    evidence: "readme('build', '--snapcraft', '--thru', 'pack-snap')",
    how: "through pack-snap (the snap the upload takes) with the stand-in snapcraft; the stages after it are build.slow.test.ts's",
  },
  'coreforge release upload': { test: 'test/integration/release.test.ts', evidence: "readme('release', 'upload')" },
  'coreforge release next': { test: 'test/integration/release.test.ts', evidence: "readme('release', 'next')" },
  'coreforge release status --json': {
    test: 'test/integration/release.test.ts',
    evidence: "readme('release', 'status', '--json')",
  },
  'coreforge release rollback --channel stable': {
    test: 'test/integration/release.test.ts',
    evidence: "cf('rollback', '--channel', 'stable')",
    how: 'on the project whose stable channel holds two revisions (the stand-in store of the plan walk)',
  },
  'curl --data-binary @photo.jpg http://DEVICE:8080/v1/classify': {
    test: 'test/vm/src/classify-vm.ts',
    evidence: "'POST', '/v1/classify'",
    how: "the smoke VM test (test/boot/smoke.test.ts) POSTs the photo to the snap's serve inside QEMU",
  },
};

/** The command lines of the README's ```sh blocks, without trailing comments. */
export function readmeCommands(markdown: string): string[] {
  const commands: string[] = [];
  for (const block of markdown.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```$/gm))
    for (const line of block[1]!.split('\n')) {
      const command = line
        .replace(/\s+#(?![^"]*"\s*$).*$/, '')
        .replace(/\s+#\s.*$/, '')
        .trim();
      if (command !== '' && !command.startsWith('#')) commands.push(command);
    }
  return commands;
}

describe('every command the README shows', () => {
  const commands = readmeCommands(readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8'));

  it('is listed with the test that runs it, and the README opens with the two commands', () => {
    expect(commands.slice(0, 2)).toEqual(['bash examples/run.sh', 'npm test']);
    expect(commands.filter((c) => RUN_BY[c] === undefined)).toEqual([]);
    expect(Object.keys(RUN_BY).filter((c) => !commands.includes(c))).toEqual([]);
  });

  it.each(Object.entries(RUN_BY))('"%s" is run by its test', (_command, by) => {
    const file = path.join(REPO_ROOT, by.test);
    expect(existsSync(file), by.test).toBe(true);
    // Compared without whitespace: the formatter may break a call's arguments over lines.
    const compact = (text: string) => text.replace(/\s+/g, '');
    expect(compact(readFileSync(file, 'utf8'))).toContain(compact(by.evidence));
  });
});
