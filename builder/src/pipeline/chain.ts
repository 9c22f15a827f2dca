// The artifact chain of the selected stages, checked once when a build is planned: every artifact a stage needs
// is made, always, by a stage before it. A selection (--until/--thru, or a stage list) that breaks the chain fails
// here, before anything runs, naming the stage and the artifact; stages themselves never check for "run X first".
import { BuilderError } from '../errors.js';
import type { ArtifactName, Stage, StageName } from './stage.js';

/** Where a needed artifact would come from, for the message. */
function missing(
  stage: Stage,
  need: ArtifactName,
  all: readonly Stage[],
  maybe: ReadonlyMap<ArtifactName, StageName>,
): string {
  const sometimes = maybe.get(need);
  if (sometimes) return `which "${sometimes}" makes only for some projects`;
  const later = all.slice(all.indexOf(stage) + 1).find((s) => s.makes.includes(need) || s.mayMake.includes(need));
  if (later) return `which only "${later.name}", a later stage, makes`;
  return 'which no stage before it makes';
}

/** Throws STAGE_CHAIN_BROKEN for the first need of `selected` that no earlier selected stage always makes. */
export function checkChain(selected: readonly Stage[], all: readonly Stage[] = selected): void {
  const made = new Set<ArtifactName>();
  const maybe = new Map<ArtifactName, StageName>();
  for (const stage of selected) {
    for (const need of stage.needs) {
      if (made.has(need)) continue;
      throw new BuilderError(
        'STAGE_CHAIN_BROKEN',
        `cannot plan the build: stage "${stage.name}" needs the ${need} artifact, ${missing(stage, need, all, maybe)}`,
        `stages, in order, with what they make: ${all.map((s) => `${s.name} (${[...s.makes, ...s.mayMake.map((m) => `${m}?`)].join(', ') || 'nothing'})`).join(', ')}`,
      );
    }
    for (const m of stage.makes) made.add(m);
    for (const m of stage.mayMake) if (!made.has(m)) maybe.set(m, stage.name);
  }
}
