// coreforge model compose|sign|verify|show
import { decodeModel, encodeHeaders, modelHeaders, orderModelHeaders, verifyModel } from '@coreforge/model-assertions';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_PROJECT_FILE, loadProjectConfig } from '../../config/load.js';
import { BuilderError } from '../../errors.js';
import { composeModel } from '../../model/compose.js';
import { composeNextModel, signProjectModel } from '../../model/sign.js';
import type { RegisterCommand } from './index.js';

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    throw new BuilderError('FILE_NOT_FOUND', `cannot read ${what} "${file}": it does not exist or is not readable`);
  }
}

export const registerModel: RegisterCommand = (program, ctx) => {
  const model = program.command('model').description('compose, sign, verify and show the model assertion');

  model
    .command('compose')
    .description('print the model headers composed from the project file (the JSON snap sign takes)')
    .option('-c, --config <file>', 'project file', DEFAULT_PROJECT_FILE)
    .option('--json', 'print JSON (the default; kept for scripts)')
    .addHelpText('after', '\nExample:\n  $ coreforge model compose -c examples/classifier/coreforge.yaml --json')
    .action(async (opts: { config: string }) => {
      const config = await loadProjectConfig(opts.config, { env: ctx.env });
      ctx.out(JSON.stringify(modelHeaders(composeModel(config, new Date())), null, 2));
    });

  model
    .command('sign')
    .description('compose the model and sign it (natively, or with snap sign for signing.backend: gpg)')
    .option('-c, --config <file>', 'project file', DEFAULT_PROJECT_FILE)
    .option('-k, --key <name>', 'signing key (default: signing.key in the project file)')
    .option('-o, --output <file>', 'output file (default: <output>/<model>.model)')
    .option('--keys-dir <dir>', 'key store folder')
    .addHelpText(
      'after',
      '\nExample:\n  $ coreforge model sign -c examples/classifier/coreforge.yaml -k acme-dev -o out/acme.model',
    )
    .action(async (opts: { config: string; key?: string; output?: string; keysDir?: string }) => {
      const config = await loadProjectConfig(opts.config, { env: ctx.env });
      const outFile = path.resolve(ctx.cwd, opts.output ?? path.join(config.output, `${config.model}.model`));
      const r = await signProjectModel(config, {
        outFile,
        run: ctx.run,
        env: ctx.env,
        ...(opts.key && { key: opts.key }),
        ...(opts.keysDir && { keysDir: opts.keysDir }),
      });
      ctx.out(`signed ${path.relative(ctx.cwd, r.file) || r.file} (sign-key-sha3-384: ${r.keyId})`);
    });

  model
    .command('verify')
    .description("check a signed model: snapd's header rules and the signature against a public key")
    .argument('<file>', 'model assertion')
    .requiredOption(
      '--key <file>',
      'public key in account-key body encoding (coreforge keys export-public, or snap export-key)',
    )
    .addHelpText('after', '\nExample:\n  $ coreforge model verify out/acme.model --key acme-dev.pub')
    .action(async (file: string, opts: { key: string }) => {
      const m = verifyModel(await readText(file, 'model'), (await readText(opts.key, 'public key')).trim());
      ctx.out(
        `${file}: valid model "${m.model}" of brand "${m.brandId}", grade ${m.grade}, signed by ${m.signKeySha3384}`,
      );
    });

  model
    .command('show')
    .description('print a model assertion decoded, readable; without FILE, the headers the next build will sign')
    .argument('[file]', 'model assertion')
    .option('-c, --config <file>', 'project file (without FILE)', DEFAULT_PROJECT_FILE)
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ coreforge model show out/acme.model\n  $ coreforge model show -c examples/classifier/coreforge.yaml',
    )
    .action(async (file: string | undefined, opts: { json?: boolean; config: string }) => {
      if (file === undefined) {
        // What will be signed: the composed headers, revision included (raised over the last signed model when they changed).
        const config = await loadProjectConfig(path.resolve(ctx.cwd, opts.config), { env: ctx.env });
        const spec = await composeNextModel(config, path.join(config.output, `${config.model}.model`), new Date());
        const headers = modelHeaders(spec);
        ctx.out(
          opts.json
            ? JSON.stringify(headers, null, 2)
            : `${encodeHeaders(orderModelHeaders(headers))}\nsign-key-sha3-384: (the key "${config.signing.key}" adds it when signing)`,
        );
        return;
      }
      const m = decodeModel(await readText(file, 'model'));
      if (opts.json) {
        const { headers: _headers, ...rest } = m;
        ctx.out(JSON.stringify(rest, null, 2));
        return;
      }
      const lines = [
        `model:        ${m.model} (${m.displayName ?? ''})`,
        `brand:        ${m.brandId}`,
        `architecture: ${m.architecture}`,
        `base:         ${m.base}`,
        `grade:        ${m.grade}, storage-safety ${m.storageSafety}`,
        `timestamp:    ${m.timestamp}`,
        `revision:     ${typeof m.headers.revision === 'string' ? m.headers.revision : '0'}`,
        ...(Array.isArray(m.headers['validation-sets'])
          ? [`validation-sets: ${JSON.stringify(m.headers['validation-sets'])}`]
          : []),
        `signed by:    ${m.signKeySha3384}`,
        'snaps:',
        ...m.snaps.map(
          (s) =>
            `  ${s.name.padEnd(20)} ${s.type.padEnd(7)} ${s.defaultChannel.padEnd(14)} ${s.id ?? '(no id)'}${s.presence ? ` ${s.presence}` : ''}`,
        ),
      ];
      ctx.out(lines.join('\n'));
    });
};
