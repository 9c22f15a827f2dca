// Child process of the library-generations test: one libtensorflowlite_c per process, so each generation runs in
// its own. Prints one JSON line: {version, layout, models: [{model, path, index, score}]}.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadTfliteLibrary, openClassifier } from '@coreforge/runtime';

const [library, image, ...models] = process.argv.slice(2);
const lib = loadTfliteLibrary(library);
const photo = readFileSync(image);
const out = [];
for (const model of models) {
  const classifier = await openClassifier({ model, tfliteLibrary: library });
  try {
    const { results } = await classifier.classify(photo, { topK: 1 });
    out.push({
      model: path.basename(model),
      path: classifier.info.path,
      index: results[0].index,
      score: results[0].score,
    });
  } finally {
    classifier.close();
  }
}
process.stdout.write(`${JSON.stringify({ version: lib.version, layout: lib.xnnpackLayout, models: out })}\n`);
