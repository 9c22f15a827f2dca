// coreforge keys create|list|export-public|account-key-request
import { writeFileAtomic } from '../../fs/atomic.js';
import { importIntoSnapKeyring, snapGnupgHome } from '../../keys/snap-keyring.js';
import { defaultKeysDir, KeyStore } from '../../keys/store.js';
import { runSnapcraft, snapcraftRegisterKeyArgs } from '../../tools/snapcraft-store.js';
import type { RegisterCommand } from './index.js';

export const registerKeys: RegisterCommand = (program, ctx) => {
  const keys = program
    .command('keys')
    .description('manage signing keys (RSA 4096, stored 0600 in a 0700 folder; private material is never printed)')
    .option('--keys-dir <dir>', 'key store folder (default: $COREFORGE_KEYS_DIR or ~/.local/share/coreforge/keys)');
  const store = () => new KeyStore((keys.opts() as { keysDir?: string }).keysDir ?? defaultKeysDir(ctx.env));

  keys
    .command('create')
    .description('create a new signing key')
    .argument('<name>', 'key name (lowercase letters, digits, dashes)')
    .addHelpText('after', '\nExample:\n  $ coreforge keys create acme-dev')
    .action(async (name: string) => {
      const info = await store().create(name);
      ctx.out(`created key "${info.name}" (sign-key-sha3-384: ${info.keyId})`);
    });

  keys
    .command('list')
    .description('list signing keys and their ids')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ coreforge keys list --json')
    .action(async (opts: { json?: boolean }) => {
      const list = await store().list();
      if (opts.json) ctx.out(JSON.stringify(list, null, 2));
      else
        ctx.out(
          list.length === 0
            ? 'no keys (create one with: coreforge keys create NAME)'
            : list
                .map((k) => ('keyId' in k ? `${k.name}  ${k.keyId}` : `${k.name}  (unusable: ${k.error})`))
                .join('\n'),
        );
      if (list.some((k) => 'error' in k)) ctx.setExitCode(1);
    });

  keys
    .command('export-public')
    .description("print the public key in snapd's account-key body encoding")
    .argument('<name>', 'key name')
    .option('-o, --output <file>', 'write it to a file instead')
    .addHelpText('after', '\nExample:\n  $ coreforge keys export-public acme-dev -o acme-dev.pub')
    .action(async (name: string, opts: { output?: string }) => {
      const pub = await store().exportPublic(name);
      if (opts.output) await writeFileAtomic(opts.output, `${pub}\n`);
      else ctx.out(pub);
    });

  keys
    .command('account-key-request')
    .description(
      'print the self-signed account-key-request the brand submits to the store (as snap export-key --account does)',
    )
    .argument('<name>', 'key name')
    .requiredOption('--account <id>', 'brand account id')
    .addHelpText(
      'after',
      '\nExample:\n  $ coreforge keys account-key-request acme-dev --account acme > acme-dev.request',
    )
    .action(async (name: string, opts: { account: string }) => {
      ctx.out((await store().accountKeyRequest(name, opts.account)).trimEnd());
    });

  keys
    .command('register')
    .description(
      'register a key with the Snap Store: copy it into the `snap keys` gpg keyring, then snapcraft register-key',
    )
    .argument('<name>', 'key name')
    .option('--dry-run', 'say what would be imported and run, and do neither')
    .addHelpText('after', '\nExample:\n  $ coreforge keys register acme-dev')
    .action(async (name: string, opts: { dryRun?: boolean }) => {
      const key = await store().load(name);
      const args = snapcraftRegisterKeyArgs(name);
      if (opts.dryRun) {
        ctx.out(`would import key "${name}" (${key.keyId}) into ${snapGnupgHome(ctx.env)}`);
        ctx.out(`would run: snapcraft ${args.join(' ')}`);
        return;
      }
      const imported = await importIntoSnapKeyring(ctx.run, name, key, ctx.env);
      ctx.out(
        `${imported ? 'imported' : 'already in'} the snap keyring ${snapGnupgHome(ctx.env)}: "${name}" (${key.keyId})`,
      );
      ctx.out(`$ snapcraft ${args.join(' ')}`);
      ctx.out((await runSnapcraft(ctx.run, args, { signal: ctx.signal })).stdout.trimEnd());
    });
};
