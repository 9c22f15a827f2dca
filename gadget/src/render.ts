// gadget.yaml text from typed data.
import { stringify } from 'yaml';
import type { CustomisedGadget } from './customise.js';

export function renderGadgetYaml(
  g: CustomisedGadget['yaml'],
  comment = 'Written by coreforge from the reference UC24 gadget layout.',
): string {
  return `# ${comment}\n${stringify(g, { lineWidth: 0 })}`;
}
