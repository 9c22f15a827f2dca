// What the init wizard (or its flags) decided: the input of renderProjectFile().
import type { Accelerator, Grade, Target } from './types.js';

export interface ProjectAnswers {
  readonly name: string;
  readonly target: Target;
  readonly brand: string;
  readonly model: string;
  readonly displayName: string;
  readonly grade: Grade;
  readonly modelFile: string;
  readonly labels: string;
  readonly accelerator: Accelerator;
  readonly edgetpuModelFile?: string;
  readonly signingKey: string;
}
