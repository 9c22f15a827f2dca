// coreforge snap render | pack | delta | size: the inference snap.
import path from 'node:path';
import { Option, type Command } from 'commander';
import { DEFAULT_PROJECT_FILE, loadProjectConfig } from '../../config/load.js';
import { formatBytes, formatDeltaReport, formatSizeReport } from '@coreforge/snaps';
import { snapDeltaReport } from '../../snap/delta.js';
import { defaultCacheDir } from '../../snap/npm-cache.js';
import { packInferenceSnap } from '../../snap/pack.js';
import { snapSizeReport } from '../../snap/size.js';
import { renderSnapcraftYamlFor, writeSnapcraftProject } from '../../snap/snapcraft-project.js';
import type { RegisterCommand } from './index.js';

export const registerSnap: RegisterCommand = (program: Command, ctx) => {
  const snap = program
    .command('snap')
    .description('the inference snap: render snapcraft.yaml, pack offline, measure deltas and size');
  const load = (file: string) => loadProjectConfig(path.resolve(ctx.cwd, file), { env: ctx.env });

  snap
    .command('render')
    .description(
      'write a self-contained snapcraft project (core24): snap/snapcraft.yaml, hooks, launchers, the runtime tarball, model and labels',
    )
    .option('-c, --config <file>', 'project file', DEFAULT_PROJECT_FILE)
    .option('-o, --output <dir>', 'folder that receives snap/ (default: the project folder)')
    .addOption(
      new Option('--arch <arch...>', "platforms to declare (default: the target's)").choices(['amd64', 'arm64']),
    )
    .option('--stdout', 'print snapcraft.yaml instead of writing files')
    .addHelpText(
      'after',
      '\nExamples:\n  $ coreforge snap render\n  $ coreforge snap render --arch amd64 arm64 --stdout',
    )
    .action(async (opts: { config: string; output?: string; arch?: ('amd64' | 'arm64')[]; stdout?: boolean }) => {
      const config = await load(opts.config);
      const options = { run: ctx.run, signal: ctx.signal, ...(opts.arch && { architectures: opts.arch }) };
      if (opts.stdout) {
        ctx.out(await renderSnapcraftYamlFor(config, options));
        return;
      }
      const root = path.resolve(ctx.cwd, opts.output ?? config.dir);
      const { paths } = await writeSnapcraftProject(config, root, options);
      ctx.out(paths.join('\n'));
    });

  snap
    .command('pack')
    .description("build the inference snap offline (no snapcraft, no store) with Debian's snap pack")
    .option('-c, --config <file>', 'project file', DEFAULT_PROJECT_FILE)
    .addOption(new Option('--arch <arch>', "target architecture (default: the target's)").choices(['amd64', 'arm64']))
    .addOption(new Option('--compression <c>', "override the project's compression").choices(['xz', 'lzo']))
    .option('-o, --output <dir>', "output folder (default: the project's output folder)")
    .option('--cache <dir>', 'download cache ($COREFORGE_CACHE or ~/.cache/coreforge)')
    .addHelpText('after', '\nExamples:\n  $ coreforge snap pack\n  $ coreforge snap pack --arch arm64 -o out/')
    .action(
      async (opts: {
        config: string;
        arch?: 'amd64' | 'arm64';
        compression?: 'xz' | 'lzo';
        output?: string;
        cache?: string;
      }) => {
        const config = await load(opts.config);
        const result = await packInferenceSnap(config, {
          arch: opts.arch ?? config.arch,
          outDir: opts.output ? path.resolve(ctx.cwd, opts.output) : config.output,
          run: ctx.run,
          cacheDir: opts.cache ? path.resolve(ctx.cwd, opts.cache) : defaultCacheDir(ctx.env),
          signal: ctx.signal,
          onProgress: (msg) => ctx.err(msg),
          ...(opts.compression ? { compression: opts.compression } : {}),
        });
        ctx.out(
          `${result.snapFile} (${formatBytes(result.sizeBytes)}, ${result.arch}, ${result.compression}, ${result.files.length} files)`,
        );
      },
    );

  snap
    .command('delta')
    .description('measure the OTA delta between two snaps (xdelta3, as the Snap Store sends), for xz and lzo')
    .argument('<old>', 'the snap on the device')
    .argument('<new>', 'the new revision')
    .option('--json', 'print the report as JSON')
    .option('--no-other-compression', 'skip repacking with the other compression')
    .addHelpText(
      'after',
      '\nExample:\n  $ coreforge snap delta out/v1/classifier_0.1.0_amd64.snap out/classifier_0.1.0_amd64.snap --json',
    )
    .action(async (oldSnap: string, newSnap: string, opts: { json?: boolean; otherCompression: boolean }) => {
      const report = await snapDeltaReport(path.resolve(ctx.cwd, oldSnap), path.resolve(ctx.cwd, newSnap), {
        run: ctx.run,
        signal: ctx.signal,
        otherCompression: opts.otherCompression,
        onProgress: (msg) => ctx.err(msg),
      });
      ctx.out(opts.json ? JSON.stringify(report, null, 2) : formatDeltaReport(report));
    });

  snap
    .command('size')
    .description('the compressed size of a snap and a breakdown by part')
    .argument('<file>', 'a .snap file')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExample:\n  $ coreforge snap size out/classifier_0.1.0_amd64.snap')
    .action(async (file: string, opts: { json?: boolean }) => {
      const report = await snapSizeReport(path.resolve(ctx.cwd, file), { run: ctx.run, signal: ctx.signal });
      ctx.out(opts.json ? JSON.stringify(report, null, 2) : formatSizeReport(report));
    });
};
