// coreforge gadget render|validate, coreforge udev-rules
import {
  customiseGadget,
  EDGETPU_UDEV_RULES,
  gadgetSnapYaml,
  GadgetError,
  parseGadget,
  renderGadgetYaml,
  validateGadget,
} from '@coreforge/gadget';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { DEFAULT_PROJECT_FILE, loadProjectConfig } from '../../config/load.js';
import { BuilderError } from '../../errors.js';
import { writeFileAtomic } from '../../fs/atomic.js';
import { gadgetCustomisation } from '../../gadget/customisation.js';
import { deriveGadget, writeCloudConf } from '../../gadget/derive.js';
import type { RegisterCommand } from './index.js';

export const registerGadget: RegisterCommand = (program, ctx) => {
  const gadget = program
    .command('gadget')
    .description("the gadget: UC24 pc/pi layouts customised from the project, checked with snapd's rules");

  gadget
    .command('render')
    .description('write the customised gadget.yaml and meta/snap.yaml (with the Coral custom-device slot when chosen)')
    .option('-c, --config <file>', 'project file', DEFAULT_PROJECT_FILE)
    .option('-o, --output <dir>', 'gadget folder to write meta/ into (default: print gadget.yaml)')
    .addHelpText('after', '\nExamples:\n  $ coreforge gadget render\n  $ coreforge gadget render -o out/gadget')
    .action(async (opts: { config: string; output?: string }) => {
      const config = await loadProjectConfig(path.resolve(ctx.cwd, opts.config), { env: ctx.env });
      const custom = gadgetCustomisation(config);
      const { yaml, warnings } = customiseGadget(custom);
      validateGadget(yaml);
      for (const w of warnings) ctx.err(`warning: ${w}`);
      const text = renderGadgetYaml(yaml);
      if (!opts.output) {
        ctx.out(text);
        return;
      }
      const dir = path.resolve(ctx.cwd, opts.output);
      await writeFileAtomic(path.join(dir, 'meta', 'gadget.yaml'), text);
      const note =
        custom.coral === 'custom-device'
          ? '# The coral-usb custom-device slot uses udev-tagging "for-device", which needs snapd 2.66 or newer on the device.\n'
          : '';
      await writeFileAtomic(
        path.join(dir, 'meta', 'snap.yaml'),
        `${note}${stringify(gadgetSnapYaml(custom, '24-coreforge'), { lineWidth: 0 })}`,
      );
      await writeCloudConf(config, dir);
      ctx.out(
        `wrote ${path.join(opts.output, 'meta', 'gadget.yaml')} and meta/snap.yaml (add the reference gadget's boot assets before packing)`,
      );
    });

  gadget
    .command('validate')
    .description("check a gadget.yaml with snapd's rules for UC20+ models")
    .argument('<file>', 'gadget.yaml')
    .addHelpText('after', '\nExample:\n  $ coreforge gadget validate out/gadget/meta/gadget.yaml')
    .action(async (file: string) => {
      let data: unknown;
      try {
        data = parse(await readFile(path.resolve(ctx.cwd, file), 'utf8'));
      } catch (cause) {
        throw new BuilderError(
          'INPUT_INVALID',
          `cannot read gadget.yaml "${file}": ${(cause as Error).message.split('\n')[0]}`,
          undefined,
          { cause },
        );
      }
      const g = parseGadget(data, file);
      validateGadget(g);
      // What snap pack checks too: in a gadget folder (…/meta/gadget.yaml), every content file must exist.
      const abs = path.resolve(ctx.cwd, file);
      if (path.basename(path.dirname(abs)) === 'meta') {
        const root = path.dirname(path.dirname(abs));
        for (const [name, vol] of Object.entries(g.volumes))
          for (const [i, s] of vol.structure.entries())
            for (const c of s.content ?? []) {
              const rel = c.image ?? c.source;
              if (rel === undefined || rel.startsWith('$kernel:')) continue;
              if (!existsSync(path.join(root, rel)))
                throw new GadgetError(
                  'GADGET_INVALID',
                  `invalid volume "${name}": structure #${i}${s.name ? ` ("${s.name}")` : ''}, content "${rel}": source path does not exist in ${root}`,
                  'copy the boot assets of the reference gadget, or use "coreforge gadget derive" on the upstream gadget snap',
                );
            }
      }
      ctx.out(`${file}: valid`);
    });

  gadget
    .command('derive')
    .description('customise an upstream gadget snap: only meta/gadget.yaml changes, boot assets are kept byte for byte')
    .argument('<base>', 'upstream gadget snap (e.g. pc_*.snap from snap download pc --channel=24/stable)')
    .requiredOption('-o, --output <file>', 'derived gadget snap')
    .option('-c, --config <file>', 'project file', DEFAULT_PROJECT_FILE)
    .addHelpText('after', '\nExample:\n  $ coreforge gadget derive pc_171.snap -o out/pc-acme.snap')
    .action(async (base: string, opts: { output: string; config: string }) => {
      const config = await loadProjectConfig(path.resolve(ctx.cwd, opts.config), { env: ctx.env });
      const { snapFile, warnings } = await deriveGadget(config, {
        baseSnap: path.resolve(ctx.cwd, base),
        outSnap: path.resolve(ctx.cwd, opts.output),
        run: ctx.run,
        signal: ctx.signal,
      });
      for (const w of warnings) ctx.err(`warning: ${w}`);
      ctx.out(`wrote ${path.relative(ctx.cwd, snapFile) || snapFile}`);
    });

  program
    .command('udev-rules')
    .description(
      "write 99-edgetpu-accelerator.rules for a Coral USB Accelerator on classic Ubuntu (upstream's two rules)",
    )
    .option('-o, --output <file>', 'rules file (default: print it)')
    .addHelpText(
      'after',
      '\nExample:\n  $ coreforge udev-rules -o 99-edgetpu-accelerator.rules && sudo cp 99-edgetpu-accelerator.rules /etc/udev/rules.d/',
    )
    .action(async (opts: { output?: string }) => {
      if (opts.output) {
        await writeFileAtomic(path.resolve(ctx.cwd, opts.output), EDGETPU_UDEV_RULES);
        ctx.out(`wrote ${opts.output}; reload with: sudo udevadm control --reload-rules && sudo udevadm trigger`);
      } else ctx.out(EDGETPU_UDEV_RULES.trimEnd());
    });
};
