// coreforge test --snap X.snap | --image X.img: boot what was built in QEMU and classify a photo inside it.
import {
  defaultCacheDir,
  fetchBootAssets,
  humanReport,
  INFERENCE_SNAP_ALLOWED_DENIALS,
  loadAllowList,
  runSnapdTest,
  junitXml,
  probeKvm,
  runImageBootTest,
  runSnapSmokeTest,
  type Arch,
  type BootReport,
} from '@coreforge/vm';
import { snapArchOfNode } from '@coreforge/snaps';
import { Option } from 'commander';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BuilderError } from '../../errors.js';
import { writeFileAtomic } from '../../fs/atomic.js';
import type { CliContext } from '../context.js';
import type { RegisterCommand } from './index.js';

interface TestOptions {
  snap?: string;
  snapd?: string;
  cacheDir?: string;
  allowList?: string;
  image?: string;
  arch: Arch;
  expect: string;
  photo?: string;
  imageFile?: string;
  timeout?: string;
  accel: 'auto' | 'tcg' | 'kvm';
  port: string;
  reportDir: string;
  junit?: string;
  json?: boolean;
}

function defaultPhoto(env: Readonly<Record<string, string | undefined>>, cwd: string): string | undefined {
  const candidates = [
    env.COREFORGE_FIXTURES && path.join(env.COREFORGE_FIXTURES, 'images', 'grace_hopper.bmp'),
    path.resolve(cwd, '../shared/fixtures/images/grace_hopper.bmp'),
  ];
  return candidates.find((c): c is string => typeof c === 'string' && existsSync(c));
}

/** KVM only when asked for, or when `auto` and a short probe boots a kernel under it (a KVM guest can hang). */
async function chooseAccel(
  ctx: CliContext,
  accel: TestOptions['accel'],
  arch: Arch,
  kernel: () => Promise<string>,
): Promise<'tcg' | 'kvm'> {
  if (accel !== 'auto') return accel;
  // The probe asks for the kernel only when this host could run `arch` under KVM at all.
  return (await probeKvm({ spawn: ctx.spawn, arch, kernel })).usable ? 'kvm' : 'tcg';
}

async function runTest(ctx: CliContext, opts: TestOptions): Promise<BootReport> {
  const target = opts.snap ?? opts.snapd ?? opts.image!;
  if (!existsSync(path.resolve(ctx.cwd, target)))
    throw new BuilderError(
      'FILE_NOT_FOUND',
      `cannot boot "${target}": it does not exist`,
      opts.image ? 'build it with: coreforge build' : 'build it with: coreforge snap pack',
    );
  if (opts.snapd && opts.arch !== 'amd64')
    throw new BuilderError(
      'INPUT_INVALID',
      `cannot run the snapd VM on ${opts.arch}: it is amd64 only`,
      'use --snap for the arm64 smoke VM',
    );
  const allowList = opts.allowList
    ? loadAllowListFile(path.resolve(ctx.cwd, opts.allowList))
    : INFERENCE_SNAP_ALLOWED_DENIALS;
  const timeout = Number(opts.timeout ?? (opts.image ? 1200 : opts.snapd ? 1800 : 240));
  if (!Number.isFinite(timeout) || timeout <= 0)
    throw new BuilderError('INPUT_INVALID', `invalid --timeout "${opts.timeout}": expected seconds, e.g. 240`);
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new BuilderError('INPUT_INVALID', `invalid --port "${opts.port}": expected a TCP port, e.g. 8080`);
  const photoFile = opts.imageFile ?? opts.photo ?? defaultPhoto(ctx.env, ctx.cwd);
  if (!photoFile || !existsSync(photoFile))
    throw new BuilderError(
      'FILE_NOT_FOUND',
      'cannot find a photo to classify',
      'pass --image-file PHOTO, or set COREFORGE_FIXTURES',
    );
  const photo = await readFile(photoFile);
  const reportDir = path.resolve(ctx.cwd, opts.reportDir);
  const cacheDir = defaultCacheDir(ctx.env);
  const hostArch = snapArchOfNode(process.arch) ?? process.arch;
  const assets = () => fetchBootAssets(ctx.run, opts.arch, cacheDir, { hostArch, signal: ctx.signal });
  const common = {
    arch: opts.arch,
    photo,
    expect: opts.expect,
    timeoutMs: timeout * 1000,
    reportDir,
    spawn: ctx.spawn,
    signal: ctx.signal,
  };
  if (opts.snapd) {
    const accel = opts.accel === 'kvm' ? 'kvm' : 'tcg';
    return runSnapdTest({
      ...common,
      snapFile: path.resolve(ctx.cwd, opts.snapd),
      cacheDir: opts.cacheDir ? path.resolve(ctx.cwd, opts.cacheDir) : path.join(cacheDir, 'snapd'),
      allowList,
      run: ctx.run,
      accel,
      onProgress: (m) => ctx.err(`snapd VM: ${m}`),
    });
  }
  if (opts.image) {
    const accel = await chooseAccel(ctx, opts.accel, opts.arch, async () => (await assets()).kernel);
    return runImageBootTest({ ...common, image: path.resolve(ctx.cwd, opts.image), guestPort: port, accel });
  }
  const bootAssets = await assets();
  const accel = await chooseAccel(ctx, opts.accel, opts.arch, async () => bootAssets.kernel);
  return runSnapSmokeTest({
    ...common,
    snapFile: path.resolve(ctx.cwd, opts.snap!),
    hostArch,
    cacheDir,
    assets: bootAssets,
    run: ctx.run,
    accel,
  });
}

function loadAllowListFile(file: string): ReturnType<typeof loadAllowList> {
  if (!existsSync(file))
    throw new BuilderError('FILE_NOT_FOUND', `cannot read the denial allow-list "${file}": it does not exist`);
  try {
    return loadAllowList(file);
  } catch (cause) {
    throw new BuilderError(
      'INPUT_INVALID',
      `cannot use the denial allow-list: ${(cause as Error).message}`,
      'each entry: {"kind": "apparmor"|"seccomp", "profile": "snap.NAME.*", "name"?: REGEX, "syscall"?: N, "reason": "why it is harmless"}',
      { cause },
    );
  }
}

export const registerTest: RegisterCommand = (program, ctx) => {
  program
    .command('test')
    .description('boot what was built in QEMU and check that the device classifies a photo')
    .option('--snap <file>', 'inference snap to boot in the smoke VM (Debian cloud kernel + busybox)')
    .option(
      '--snapd <file>',
      "inference snap to install under Debian's real snapd in a VM (services, hooks, snap set, interfaces, AppArmor/seccomp)",
    )
    .option('--image <file>', 'whole disk image to boot under UEFI firmware (OVMF/AAVMF) on a throwaway overlay')
    .addOption(new Option('--arch <arch>', 'architecture to emulate').choices(['amd64', 'arm64']).default('amd64'))
    .option('--expect <label>', 'expected top label: an index (653) or the label text ("military uniform")', '653')
    .option('--image-file <photo>', 'photo to classify (default: grace_hopper.bmp from the fixtures)')
    .addOption(new Option('--photo <file>').hideHelp())
    .option(
      '--timeout <seconds>',
      'give up after this long (default: 240 for --snap, 1800 for --snapd, 1200 for --image)',
    )
    .addOption(
      new Option('--accel <accel>', 'QEMU accelerator: auto uses KVM only when a short probe boots under it')
        .choices(['auto', 'tcg', 'kvm'])
        .default('auto'),
    )
    .option('--port <port>', 'inference service port inside the image (--image)', '8080')
    .option('--cache-dir <dir>', 'where the snapd VM disk is cached (--snapd; default: the boot cache)')
    .option('--allow-list <file>', "JSON list of reviewed denials (--snapd; default: the inference snap's list)")
    .option('--report-dir <dir>', 'where the report, serial log and JUnit file go', 'out/test-report')
    .option('--junit <file>', 'also write a JUnit XML report')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ coreforge test --snap out/classifier_0.1.0_amd64.snap --expect "military uniform"\n  $ coreforge test --snap out/classifier_0.1.0_arm64.snap --arch arm64 --junit out/junit.xml\n  $ coreforge test --snapd out/classifier_0.1.0_amd64.snap --junit out/junit-snapd.xml\n  $ coreforge test --image out/acme-classifier-pc.img --timeout 1200',
    )
    .action(async (opts: TestOptions) => {
      if ([opts.snap, opts.snapd, opts.image].filter(Boolean).length !== 1)
        throw new BuilderError(
          'INPUT_INVALID',
          'cannot run a boot test: pass exactly one of --snap FILE, --snapd FILE or --image FILE',
          'e.g. coreforge test --snap out/classifier_0.1.0_amd64.snap',
        );
      const report = await runTest(ctx, opts);
      const reportDir = path.resolve(ctx.cwd, opts.reportDir);
      const serial = await readFile(report.serialLog, 'utf8').catch(() => '');
      await writeFileAtomic(
        path.join(reportDir, `report-${report.kind}-${opts.arch}.json`),
        `${JSON.stringify(report, null, 2)}\n`,
      );
      if (opts.junit) await writeFileAtomic(path.resolve(ctx.cwd, opts.junit), junitXml(report, serial));
      ctx.out(opts.json ? JSON.stringify(report, null, 2) : humanReport(report));
      if (!report.passed) ctx.setExitCode(1);
    });
};
