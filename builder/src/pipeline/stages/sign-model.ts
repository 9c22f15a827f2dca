// sign-model: compose the model assertion from the project and sign it -> out/<model>.model
import { coralPlugName } from '@coreforge/gadget';
import path from 'node:path';
import { signProjectModel } from '../../model/sign.js';
import type { Stage } from '../stage.js';

export const signModelStage: Stage = {
  name: 'sign-model',
  title: 'Compose and sign the model assertion',
  requiredTools: ({ config }) => (config.signing.backend === 'gpg' ? ['snap'] : []),
  async run(ctx) {
    const { config } = ctx;
    if (config.inference.accelerator !== 'none' && config.inference.snapId === undefined) {
      const plug = coralPlugName(config.inference.coralAccess);
      ctx.warn(`the inference snap "${config.inference.snapName}" has no store id, so snapd applies no gadget connections to it: after first boot run "snap connect ${config.inference.snapName}:${plug}"`);
    }
    const { file } = await signProjectModel(config, {
      outFile: path.join(config.output, `${config.model}.model`),
      run: ctx.run,
      env: ctx.env,
      ...(ctx.options.keysDir && { keysDir: ctx.options.keysDir }),
    });
    return { model: file };
  },
};
