// coreforge doctor [--json] [-c FILE] [--arch amd64|arm64]
import { SNAP_ARCHES } from '@coreforge/snaps';
import { Option } from 'commander';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_PROJECT_FILE, loadProjectConfig } from '../../config/load.js';
import type { Arch } from '../../config/types.js';
import { renderDoctorTable, runDoctor } from '../../doctor/doctor.js';
import { kvmStatus } from '../../doctor/kvm-status.js';
import { probeTflite, type ProjectTflite } from '../../doctor/tflite.js';
import type { RegisterCommand } from './index.js';

export const registerDoctor: RegisterCommand = (program, ctx) => {
  program
    .command('doctor')
    .description('check the host tools the pipeline needs and say how to install what is missing')
    .option('--json', 'print the report as JSON')
    .option('-c, --config <file>', 'project file whose target decides what is required', DEFAULT_PROJECT_FILE)
    .addOption(
      new Option(
        '--arch <arch>',
        'target architecture to check for (default: from the project file, else amd64)',
      ).choices(SNAP_ARCHES),
    )
    .addHelpText(
      'after',
      '\nExit code 0 when the configured pipeline can run, 1 when a required tool is missing.\n\nExamples:\n  $ coreforge doctor\n  $ coreforge doctor --json --arch arm64',
    )
    .action(async (opts: { json?: boolean; config: string; arch?: Arch }) => {
      let arch = opts.arch;
      let coral = false;
      let project: ProjectTflite | undefined;
      const configFile = path.resolve(ctx.cwd, opts.config);
      if (
        await access(configFile).then(
          () => true,
          () => false,
        )
      ) {
        const config = await loadProjectConfig(configFile, { env: ctx.env });
        arch ??= config.arch;
        coral = config.inference.accelerator !== 'none';
        project = { choice: config.inference.tflite, arch };
        if (config.inference.accelerator !== 'none' && config.inference.coralAccess === 'custom-device')
          ctx.err(
            'note: inference.coral-access "custom-device" needs snapd 2.66 or newer on the device (udev-tagging "for-device"); use "raw-usb" for older snapd',
          );
      }
      const report = await runDoctor({
        run: ctx.run,
        ...(arch && { arch }),
        coral,
        tflite: () => probeTflite(ctx.env, project),
        kvm: () => kvmStatus({ run: ctx.run, spawn: ctx.spawn, env: ctx.env, signal: ctx.signal }),
      });
      ctx.out(opts.json ? JSON.stringify(report, null, 2) : renderDoctorTable(report));
      if (!report.ok) ctx.setExitCode(1);
    });
};
