// coreforge test --snap X.snap: boot the snap in the QEMU smoke VM and classify a photo inside it.
import { defaultCacheDir, humanReport, junitXml, runSnapSmokeTest, type Arch } from '@coreforge/test/harness';
import { Option } from 'commander';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BuilderError } from '../../errors.js';
import { writeFileAtomic } from '../../fs/atomic.js';
import type { RegisterCommand } from './index.js';

const HOST_ARCH: Record<string, Arch | undefined> = { x64: 'amd64', arm64: 'arm64' };

function defaultPhoto(env: Readonly<Record<string, string | undefined>>, cwd: string): string | undefined {
  const candidates = [env.COREFORGE_FIXTURES && path.join(env.COREFORGE_FIXTURES, 'images', 'grace_hopper.bmp'), path.resolve(cwd, '../shared/fixtures/images/grace_hopper.bmp')];
  return candidates.find((c): c is string => typeof c === 'string' && existsSync(c));
}

export const registerTest: RegisterCommand = (program, ctx) => {
  program
    .command('test')
    .description('boot what was built in QEMU and check that the device classifies a photo')
    .requiredOption('--snap <file>', 'inference snap to boot in the smoke VM')
    .addOption(new Option('--arch <arch>', 'architecture to emulate').choices(['amd64', 'arm64']).default('amd64'))
    .option('--expect <label>', 'expected top label: an index (653) or the label text ("military uniform")', '653')
    .option('--photo <file>', 'photo to classify (default: grace_hopper.bmp from the fixtures)')
    .option('--timeout <seconds>', 'give up after this long', '240')
    .addOption(new Option('--accel <accel>', 'QEMU accelerator (KVM only where it is known to work)').choices(['tcg', 'kvm']).default('tcg'))
    .option('--report-dir <dir>', 'where the report, serial log and JUnit file go', 'out/test-report')
    .option('--junit <file>', 'also write a JUnit XML report')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExamples:\n  $ coreforge test --snap out/classifier_0.1.0_amd64.snap --expect "military uniform"\n  $ coreforge test --snap out/classifier_0.1.0_arm64.snap --arch arm64 --junit out/junit.xml')
    .action(async (opts: { snap: string; arch: Arch; expect: string; photo?: string; timeout: string; accel: 'tcg' | 'kvm'; reportDir: string; junit?: string; json?: boolean }) => {
      const timeout = Number(opts.timeout);
      if (!Number.isFinite(timeout) || timeout <= 0) throw new BuilderError('INPUT_INVALID', `invalid --timeout "${opts.timeout}": expected seconds, e.g. 240`);
      if (!existsSync(opts.snap)) throw new BuilderError('FILE_NOT_FOUND', `cannot boot "${opts.snap}": it does not exist`, 'build it with: coreforge snap pack');
      const photoFile = opts.photo ?? defaultPhoto(ctx.env, ctx.cwd);
      if (!photoFile || !existsSync(photoFile)) throw new BuilderError('FILE_NOT_FOUND', 'cannot find a photo to classify', 'pass --photo FILE, or set COREFORGE_FIXTURES');
      const reportDir = path.resolve(ctx.cwd, opts.reportDir);
      const report = await runSnapSmokeTest({
        snapFile: path.resolve(ctx.cwd, opts.snap),
        arch: opts.arch,
        hostArch: HOST_ARCH[process.arch] ?? process.arch,
        photo: await readFile(photoFile),
        expect: opts.expect,
        timeoutMs: timeout * 1000,
        reportDir,
        cacheDir: defaultCacheDir(ctx.env),
        run: ctx.run,
        spawn: ctx.spawn,
        signal: ctx.signal,
        accel: opts.accel,
      });
      const serial = await readFile(report.serialLog, 'utf8').catch(() => '');
      await writeFileAtomic(path.join(reportDir, `report-${opts.arch}.json`), `${JSON.stringify(report, null, 2)}\n`);
      if (opts.junit) await writeFileAtomic(path.resolve(ctx.cwd, opts.junit), junitXml(report, serial));
      ctx.out(opts.json ? JSON.stringify(report, null, 2) : humanReport(report));
      if (!report.passed) ctx.setExitCode(1);
    });
};
