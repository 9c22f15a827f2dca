// Child process of runtime/src/infer-thread.test.ts: opens a classifier, starts one classification without
// awaiting it at the top level, prints its top label, and never closes the classifier. The process must stay alive
// for the result (the inference in flight holds the event loop) and then exit by itself (an idle one does not).
import { readFileSync } from 'node:fs';
import { openClassifier } from '@coreforge/runtime';

const [model, image, labels] = process.argv.slice(2);
const classifier = await openClassifier({ model, labels });
void classifier.classify(readFileSync(image), { topK: 1 }).then(({ results }) => {
  process.stdout.write(`${results[0].label}\n`);
});
