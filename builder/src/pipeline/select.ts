// --until / --thru: which stages a build runs (ubuntu-image's validateUntilThru, as data).
import { BuilderError } from '../errors.js';
import { STAGE_NAMES, type Stage, type StageName } from './stage.js';

export interface StageSelection {
  /** Stop before this stage. */
  readonly until?: string;
  /** Stop after this stage. */
  readonly thru?: string;
}

function checkName(flag: string, name: string): StageName {
  if ((STAGE_NAMES as readonly string[]).includes(name)) return name as StageName;
  throw new BuilderError(
    'STAGE_UNKNOWN',
    `unknown stage "${name}" for --${flag}`,
    `stages, in order: ${STAGE_NAMES.join(', ')}`,
  );
}

export function selectStages(stages: readonly Stage[], selection: StageSelection): readonly Stage[] {
  if (selection.until !== undefined && selection.thru !== undefined)
    throw new BuilderError(
      'INPUT_INVALID',
      'cannot use --until and --thru together',
      'pick one: --until STAGE stops before it, --thru STAGE stops after it',
    );
  if (selection.until !== undefined) {
    const name = checkName('until', selection.until);
    return stages.slice(
      0,
      stages.findIndex((s) => s.name === name),
    );
  }
  if (selection.thru !== undefined) {
    const name = checkName('thru', selection.thru);
    return stages.slice(0, stages.findIndex((s) => s.name === name) + 1);
  }
  return stages;
}
