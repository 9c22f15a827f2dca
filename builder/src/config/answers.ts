// What the init wizard (or its flags) decided: the input of renderProjectFile().
import type { Accelerator, CoralAccess, EdgetpuRuntime, Grade, Target } from './types.js';

export interface ProjectAnswers {
  readonly name: string;
  readonly target: Target;
  readonly brand: string;
  readonly model: string;
  readonly displayName: string;
  readonly grade: Grade;
  /** The inference snap's store id (signed and secured grades). */
  readonly snapId?: string;
  readonly modelFile: string;
  readonly labels: string;
  readonly accelerator: Accelerator;
  readonly edgetpuModelFile?: string;
  readonly edgetpuRuntime?: EdgetpuRuntime;
  readonly coralAccess?: CoralAccess;
  readonly signingKey: string;
  /** The user chose "create one now": the command creates the key before writing the file. */
  readonly createKey?: boolean;
}
