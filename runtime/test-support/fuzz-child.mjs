// Child process of the model fuzz test: loads each mutated model it is given and classifies a photo with it.
// One JSON line per case on stdout: {"case": n, "outcome": "error"|"ok", "code"?}. A crash ends the process,
// which the parent notices (signal or missing lines).
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openClassifier, RuntimeError } from '@coreforge/runtime';

const { cases, image } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const photo = readFileSync(image);
const file = path.join(tmpdir(), `coreforge-fuzz-${process.pid}.tflite`);
for (const c of cases) {
  writeFileSync(file, Buffer.from(c.data, 'base64'));
  let line;
  try {
    const classifier = await openClassifier({ model: file, maxPixels: 10_000_000 });
    try {
      await classifier.classify(photo, { topK: 3 });
      line = { case: c.id, outcome: 'ok' };
    } finally {
      classifier.close();
    }
  } catch (error) {
    line =
      error instanceof RuntimeError
        ? { case: c.id, outcome: 'error', code: error.code, message: error.message.slice(0, 200) }
        : { case: c.id, outcome: 'unexpected', message: String(error) };
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
rmSync(file, { force: true });
