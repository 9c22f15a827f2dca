// coreforge flash [IMAGE] --device /dev/sdX: write the built image to an SD card or USB disk, refusing the system
// disk, mounted, non-removable, too small and partition targets; sparse, verified by reading it back.
import { confirm, select } from '@inquirer/prompts';
import { Option } from 'commander';
import { Listr } from 'listr2';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_PROJECT_FILE, loadProjectConfig } from '../../config/load.js';
import { BuilderError } from '../../errors.js';
import { humanSize } from '../../flash/bmap.js';
import { driveIdentity, listDrives, type DriveCheck } from '../../flash/drives.js';
import { flashImage, WRITERS, type FlashResult, type Writer } from '../../flash/flash-image.js';
import { checkImageFile, resolveImage } from '../../flash/image-source.js';
import { formatProgress, progressFigures } from '../../flash/progress.js';
import { readDrives, resolveTarget, unmountAll } from '../../flash/select-target.js';
import type { Progress } from '../../flash/write-image.js';
import { pathLocator } from '../../tools/preflight.js';
import { runStream } from '../../tools/run.js';
import type { CliContext } from '../context.js';
import type { RegisterCommand } from './index.js';

interface FlashFlags {
  config: string;
  device?: string;
  targetFile?: boolean;
  list?: boolean;
  unmount?: boolean;
  forceNonRemovable?: boolean;
  yes?: boolean;
  writer: Writer;
  bmap: boolean;
  verify: boolean;
  json?: boolean;
}

async function defaultManifest(ctx: CliContext, configFile: string): Promise<string> {
  const file = path.resolve(ctx.cwd, configFile);
  if (existsSync(file)) return path.join((await loadProjectConfig(file, { env: ctx.env })).output, 'manifest.json');
  return path.resolve(ctx.cwd, 'out', 'manifest.json');
}

function driveLine(d: DriveCheck): string {
  const status =
    d.refusals.length === 0
      ? 'ok'
      : `refused: ${d.refusals.map((r) => r.code.toLowerCase().replaceAll('_', '-')).join(', ')}`;
  return `${d.disk.path.padEnd(14)} ${driveIdentity(d.disk).padEnd(48)} ${status}`;
}

function summary(r: FlashResult, cwd: string): string {
  const rel = (f: string) => path.relative(cwd, f) || f;
  const speed = r.writeSeconds > 0 ? `${humanSize(r.bytesWritten / r.writeSeconds)}/s` : 'n/a';
  return [
    `flashed   ${rel(r.image)} -> ${r.target} (${r.writer} writer${r.direct ? ', O_DIRECT' : ''})`,
    `written   ${r.bytesWritten} of ${r.imageSize} bytes (bytes written / image size = ${r.writtenRatio.toFixed(3)}) in ${r.writeSeconds.toFixed(1)} s, ${speed}`,
    r.verified
      ? `verified  ${r.bytesVerified} bytes read back in ${r.verifySeconds.toFixed(1)} s; sha256 ${r.sha256}`
      : 'verified  no (--no-verify)',
  ].join('\n');
}

export const registerFlash: RegisterCommand = (program, ctx) => {
  program
    .command('flash')
    .description('write the built image to an SD card or USB disk: refuses the system disk, sparse, verified')
    .argument('[image]', "image (.img.xz or .img) or a manifest.json (default: the last build's manifest)")
    .option('-c, --config <file>', "project file (to find the last build's manifest)", DEFAULT_PROJECT_FILE)
    .option('-d, --device <path>', 'the whole disk to write, e.g. /dev/sdb or /dev/disk/by-id/usb-...')
    .option('--target-file', 'allow --device to name a regular file (written as a sparse copy of the image)')
    .option('-l, --list', 'list the drives and whether each may be flashed')
    .option('--unmount', "unmount the target's own mounted partitions first")
    .option('--force-non-removable', 'allow a drive that is not removable (never the system disk)')
    .option('-y, --yes', 'do not ask for confirmation (every other check still applies)')
    .addOption(
      new Option(
        '--writer <writer>',
        'auto: bmaptool when installed and a .bmap exists, else the builtin mapped-range writer',
      )
        .choices(WRITERS)
        .default('auto'),
    )
    .option('--no-bmap', 'ignore the .bmap and write every byte of the image')
    .option('--no-verify', 'do not read the drive back')
    .option('--json', 'print the result as JSON (no progress output)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ coreforge flash --list\n  $ sudo coreforge flash --device /dev/sdb\n  $ coreforge flash out/acme-classifier-pc.img.xz --device out/disk.img --target-file --yes --json',
    )
    .action(async (image: string | undefined, opts: FlashFlags) => {
      const source = await resolveImage({
        ...(image !== undefined && { image: path.resolve(ctx.cwd, image) }),
        defaultManifest: await defaultManifest(ctx, opts.config),
        useBmap: opts.bmap,
        run: ctx.run,
        signal: ctx.signal,
      });
      const checks = {
        imageSize: source.imageSize,
        unmount: Boolean(opts.unmount),
        forceNonRemovable: Boolean(opts.forceNonRemovable),
      };
      if (opts.list) {
        const drives = listDrives(await readDrives(ctx.run, ctx.signal), checks);
        if (opts.json)
          ctx.out(
            JSON.stringify(
              drives.map((d) => ({
                path: d.disk.path,
                identity: driveIdentity(d.disk),
                size: d.disk.size,
                refusals: d.refusals,
              })),
              null,
              2,
            ),
          );
        else ctx.out(drives.length === 0 ? 'no drives found' : drives.map(driveLine).join('\n'));
        return;
      }
      let device = opts.device;
      if (!device) {
        const usable = listDrives(await readDrives(ctx.run, ctx.signal), checks).filter((d) => d.refusals.length === 0);
        if (!ctx.isTTY || opts.json || opts.yes)
          throw new BuilderError(
            'FLASH_REFUSED',
            'cannot choose a drive without asking: pass --device',
            `the drives that may be flashed: ${usable.map((d) => d.disk.path).join(', ') || 'none (see coreforge flash --list)'}`,
          );
        if (usable.length === 0)
          throw new BuilderError(
            'FLASH_REFUSED',
            'cannot flash: no removable drive big enough is attached',
            'insert an SD card or USB disk, then: coreforge flash --list',
          );
        device = await select(
          {
            message: 'Drive to erase and flash',
            choices: usable.map((d) => ({ name: `${d.disk.path}  ${driveIdentity(d.disk)}`, value: d.disk.path })),
          },
          { signal: ctx.signal },
        );
      }
      const target = await resolveTarget({
        device,
        targetFile: Boolean(opts.targetFile),
        ...checks,
        cwd: ctx.cwd,
        run: ctx.run,
        signal: ctx.signal,
      });
      await checkImageFile(source);
      if (!opts.yes) {
        if (!ctx.isTTY)
          throw new BuilderError(
            'FLASH_REFUSED',
            `cannot ask for confirmation to erase ${target.path}: no terminal`,
            'pass --yes to confirm in scripts (check the drive first: coreforge flash --list)',
          );
        const what =
          target.kind === 'file' ? `overwrite the file ${target.path}` : `erase ${target.path} (${target.identity})`;
        const unmounting =
          target.toUnmount.length > 0 ? `, unmounting ${target.toUnmount.map((m) => m.mountpoint).join(', ')}` : '';
        if (
          !(await confirm(
            {
              message: `This will ${what}${unmounting} with ${path.basename(source.file)}. Everything on it is lost. Continue?`,
              default: false,
            },
            { signal: ctx.signal },
          ))
        )
          throw new BuilderError('CANCELLED', 'flash cancelled: nothing was written', undefined, { exitCode: 130 });
      }
      await unmountAll(ctx.run, target.toUnmount, ctx.signal);
      const request = {
        source,
        target,
        writer: opts.writer,
        bmaptoolAvailable: await pathLocator(ctx.env.PATH)('bmaptool'),
        verify: opts.verify,
        run: ctx.run,
        runStream,
        signal: ctx.signal,
      };
      let result: FlashResult | undefined;
      if (opts.json) result = await flashImage(request);
      else {
        await new Listr(
          [
            {
              title: `Flash ${path.basename(source.file)} to ${target.path} (${target.identity})`,
              task: async (_: unknown, task: { output: string; title: string }) => {
                let phase: Progress['phase'] | undefined;
                let phaseStart = performance.now();
                let shown = 0;
                result = await flashImage({
                  ...request,
                  onProgress: (p) => {
                    if (p.phase !== phase) [phase, phaseStart] = [p.phase, performance.now()];
                    const now = performance.now();
                    if (now - shown < 1000 && p.done < p.total) return;
                    shown = now;
                    task.output = formatProgress(progressFigures(p, (now - phaseStart) / 1000));
                  },
                });
              },
            },
          ],
          {
            renderer: ctx.isTTY ? 'default' : 'simple',
            fallbackRenderer: 'simple',
            rendererOptions: { persistentOutput: false },
          } as ConstructorParameters<typeof Listr>[1],
        ).run();
      }
      ctx.out(opts.json ? JSON.stringify(result, null, 2) : summary(result!, ctx.cwd));
    });
};
