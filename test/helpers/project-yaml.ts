// A coreforge.yaml for tests that build or release through the CLI: the example's identity (classifier on a PC,
// brand acme, dangerous grade) with the given fields merged in, as YAML text.
import { stringify } from 'yaml';

type Fields = Record<string, unknown> & { inference?: Record<string, unknown> };

export function projectYaml(fields: Fields = {}): string {
  const { inference, ...rest } = fields;
  return stringify({
    name: 'classifier',
    target: 'pc-amd64',
    brand: 'acme',
    model: 'acme-classifier-pc',
    grade: 'dangerous',
    inference: { model: 'model.tflite', labels: 'labels.txt', ...inference },
    ...rest,
  });
}
