// coreforge-runtime classify: one image, the seed's label_image output format.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openClassifier } from '../classifier.js';
import { ENV } from '../env.js';
import { RuntimeError } from '../errors.js';
import type { ClassifyResult } from '../types.js';
import type { RuntimeIO } from './main.js';
import { intFlag, isUsageError, MODEL_OPTIONS, modelFlags } from './args.js';
import { reportRuntimeError } from './report.js';
import { MAX_IMAGE_FILE_BYTES } from '../limits.js';
import { readRegularFile } from '../read-file.js';

const HELP = `usage: coreforge-runtime classify -i IMAGE [-m MODEL] [-l LABELS] [-k 5] [--threads N]
                                  [--delegate cpu|edgetpu|auto] [--edgetpu-model FILE] [--device usb]
                                  [--json] [--repeat N]

Prints one line per result, "score: index:label", then "time: N.NNNms" for one inference.
Inside a snap, MODEL and LABELS default to ${ENV.MODEL} / ${ENV.LABELS} (set by the snap's wrappers).

example:
  coreforge-runtime classify -i grace_hopper.bmp -m mobilenet_v2_1.0_224_quant.tflite -l imagenet_labels.txt`;

/** `0.913725: 653:military uniform` — the seed's '{:08.6f}: {}' with the index prefixed like label_image. */
export function formatResultLine(score: number, index: number, label: string): string {
  return `${score.toFixed(6).padStart(8, '0')}: ${index}:${label}`;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function classifyCommand(args: readonly string[], io: RuntimeIO): Promise<number> {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: {
        ...MODEL_OPTIONS,
        image: { type: 'string', short: 'i' },
        json: { type: 'boolean' },
        repeat: { type: 'string' },
      },
      strict: true,
    });
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    if (!values.image)
      throw new RuntimeError('ARGUMENT_INVALID', 'missing -i IMAGE', 'run "coreforge-runtime classify --help"');
    const { topK, ...options } = modelFlags(values, io.env, 'classify');
    const repeat = intFlag('repeat', values.repeat, 1, 1);
    const classifier = await openClassifier(options, io.env);
    try {
      for (const w of classifier.warnings) io.err(`warning: ${w}`);
      const image = await readRegularFile(values.image, {
        what: 'image',
        maxBytes: MAX_IMAGE_FILE_BYTES,
        missing: 'IMAGE_INVALID',
        invalid: 'IMAGE_INVALID',
      });
      const runs: ClassifyResult[] = [];
      for (let i = 0; i < repeat; i++) runs.push(await classifier.classify(image, { topK }));
      const last = runs.at(-1)!;
      const inferenceMs = median(runs.map((r) => r.timings.inferenceMs));
      if (values.json) {
        io.out(
          JSON.stringify(
            {
              image: path.basename(values.image),
              results: last.results,
              timings: { ...last.timings, inferenceMs, runs: runs.map((r) => r.timings) },
              model: classifier.info,
            },
            null,
            2,
          ),
        );
      } else {
        io.out(last.results.map((r) => formatResultLine(r.score, r.index, r.label)).join('\n'));
        io.out(`time: ${inferenceMs.toFixed(3)}ms`);
      }
      return 0;
    } finally {
      classifier.close();
    }
  } catch (error) {
    if (isUsageError(error)) {
      io.err(`error: ${error.message}\n${HELP}`);
      return 2;
    }
    return reportRuntimeError(io, error);
  }
}
