// sign-model: compose the model assertion from the project and sign it -> out/<model>.model
import { coralPlugName } from '@coreforge/gadget';
import path from 'node:path';
import { gadgetChanges } from '../../gadget/customisation.js';
import { defaultKeysDir, KeyStore } from '../../keys/store.js';
import { signProjectModel } from '../../model/sign.js';
import { defineStage } from '../stage.js';

export const signModelStage = defineStage({
  name: 'sign-model',
  title: 'Compose and sign the model assertion',
  requiredTools: ({ config }) => (config.signing.backend === 'gpg' ? ['snap'] : []),
  makes: ['model'],
  async inputs({ config, options, env }) {
    // The key by its id: a key re-created under the same name re-signs. An unloadable key is reported by run().
    const keyId =
      config.signing.backend === 'gpg'
        ? `gpg:${config.signing.key}`
        : await new KeyStore(options.keysDir ?? defaultKeysDir(env)).load(config.signing.key).then(
            (k) => k.keyId,
            () => 'unavailable',
          );
    return {
      config: {
        target: config.target,
        arch: config.arch,
        brand: config.brand,
        model: config.model,
        'display-name': config.displayName,
        grade: config.grade,
        'storage-safety': config.storageSafety,
        base: config.base,
        snaps: config.snaps,
        'inference.snap-name': config.inference.snapName,
        'inference.snap-id': config.inference.snapId,
        'inference.accelerator': config.inference.accelerator,
        'inference.coral-access': config.inference.coralAccess,
        'gadget.snap-name': config.gadget.snapName,
        'gadget.snap-id': config.gadget.snapId,
        'validation-sets': config.validationSets,
        signing: config.signing,
        output: config.output,
      },
      // Whether the model names the derived brand gadget or the store's reference gadget.
      values: { 'signing key id': keyId, 'brand gadget': gadgetChanges(config).length > 0 },
    };
  },
  async run(ctx) {
    const { config } = ctx;
    if (config.inference.accelerator !== 'none' && config.inference.snapId === undefined) {
      const plug = coralPlugName(config.inference.coralAccess);
      ctx.warn(
        `the inference snap "${config.inference.snapName}" has no store id, so snapd applies no gadget connections to it: after first boot run "snap connect ${config.inference.snapName}:${plug}"`,
      );
    }
    const { file } = await signProjectModel(config, {
      outFile: path.join(config.output, `${config.model}.model`),
      run: ctx.run,
      env: ctx.env,
      ...(ctx.options.keysDir && { keysDir: ctx.options.keysDir }),
    });
    return { model: file };
  },
});
