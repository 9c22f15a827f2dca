// Writes a project file from wizard answers: commented, with the schema line for editors.
import { stringify } from 'yaml';
import type { ProjectAnswers } from './answers.js';

export function renderProjectFile(answers: ProjectAnswers, schemaRef: string): string {
  const inference: Record<string, unknown> = {};
  if (answers.snapId) inference['snap-id'] = answers.snapId;
  inference.model = answers.modelFile;
  if (answers.edgetpuModelFile) inference['edgetpu-model'] = answers.edgetpuModelFile;
  inference.labels = answers.labels;
  inference.accelerator = answers.accelerator;
  if (answers.edgetpuRuntime) inference['edgetpu-runtime'] = answers.edgetpuRuntime;
  if (answers.coralAccess) inference['coral-access'] = answers.coralAccess;
  Object.assign(inference, { port: 8080, bind: '0.0.0.0', threads: 1, 'top-k': 5 });
  const body = stringify(
    {
      name: answers.name,
      target: answers.target,
      brand: answers.brand,
      model: answers.model,
      'display-name': answers.displayName,
      grade: answers.grade,
      inference,
      signing: { key: answers.signingKey },
      output: 'out',
    },
    { lineWidth: 0 },
  );
  return `# yaml-language-server: $schema=${schemaRef}\n# Coreforge project: "coreforge config validate" checks it, "coreforge config schema" lists every field.\n${body}`;
}
