// coreforge-runtime serve: the inference daemon. Resolves (exit 0) after SIGTERM/SIGINT once in-flight requests finish.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { openClassifier } from '../classifier.js';
import { ENV } from '../env.js';
import { RuntimeError } from '../errors.js';
import { createInferenceServer, DEFAULT_SERVER_OPTIONS } from '../serve/server.js';
import type { Classifier } from '../types.js';
import type { RuntimeIO } from './main.js';
import { intFlag, isUsageError, MODEL_OPTIONS, modelFlags } from './args.js';
import { reportRuntimeError } from './report.js';

const HELP = `usage: coreforge-runtime serve [--port 8080] [--bind 127.0.0.1] [-m MODEL] [-l LABELS] [--threads 1]
                               [--workers N] [--queue 32] [--max-body 16777216] [--max-pixels 50000000]
                               [--delegate cpu|edgetpu|auto] [--edgetpu-model FILE] [--device usb] [-k 5]

POST /v1/classify (body: an image) -> JSON top-k with timings; GET /healthz; GET /metrics (Prometheus).
Inside a snap, MODEL and LABELS default to ${ENV.MODEL} / ${ENV.LABELS}.

example:
  coreforge-runtime serve --port 8080 -m model.tflite -l labels.txt
  curl --data-binary @grace_hopper.bmp http://127.0.0.1:8080/v1/classify`;


export interface ServeSignals {
  /** Resolves when the daemon should stop (SIGTERM/SIGINT). Injected so tests can stop it. */
  readonly stop: Promise<void>;
}

function processSignals(): ServeSignals {
  return {
    stop: new Promise((resolve) => {
      process.once('SIGTERM', () => resolve());
      process.once('SIGINT', () => resolve());
    }),
  };
}

export async function serveCommand(args: readonly string[], io: RuntimeIO, signals: ServeSignals = processSignals()): Promise<number> {
  let classifiers: Classifier[] = [];
  try {
    const { values } = parseArgs({
      args: [...args],
      options: {
        ...MODEL_OPTIONS,
        port: { type: 'string' },
        bind: { type: 'string' },
        workers: { type: 'string' },
        queue: { type: 'string' },
        'max-body': { type: 'string' },
        'max-pixels': { type: 'string' },
      },
      strict: true,
    });
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const env = io.env;
    const { topK, ...model } = modelFlags(values, env, 'serve', 64);
    const workers = intFlag('workers', values.workers, Math.max(1, availableParallelism()), 1, 64);
    const options = { ...model, maxPixels: intFlag('max-pixels', values['max-pixels'], 50_000_000, 1) };
    // Interpreters load in parallel: on a multi-core device (and in the boot-test VM) start-up takes one load, not N.
    classifiers = await Promise.all(Array.from({ length: workers }, () => openClassifier(options, env)));
    for (const w of classifiers[0]!.warnings) io.err(`warning: ${w}`);
    const service = createInferenceServer(classifiers, {
      port: intFlag('port', values.port, DEFAULT_SERVER_OPTIONS.port, 0, 65535),
      bind: values.bind ?? DEFAULT_SERVER_OPTIONS.bind,
      maxQueue: intFlag('queue', values.queue, DEFAULT_SERVER_OPTIONS.maxQueue, 0),
      maxBodyBytes: intFlag('max-body', values['max-body'], DEFAULT_SERVER_OPTIONS.maxBodyBytes, 1),
      topK,
    });
    const path = `${classifiers[0]!.info.path}, TFLite ${classifiers[0]!.info.library.version}`;
    classifiers = [];
    let address;
    try {
      address = await service.listen();
    } catch (error) {
      await service.close();
      throw new RuntimeError('ARGUMENT_INVALID', `cannot listen on ${values.bind ?? DEFAULT_SERVER_OPTIONS.bind}:${values.port ?? DEFAULT_SERVER_OPTIONS.port}: ${(error as Error).message}`);
    }
    io.out(`listening on http://${address.address}:${address.port} (${workers} worker(s), ${path})`);
    await signals.stop;
    io.out('shutting down: finishing in-flight requests');
    await service.close();
    return 0;
  } catch (error) {
    for (const c of classifiers) c.close();
    if (isUsageError(error)) {
      io.err(`error: ${error.message}\n${HELP}`);
      return 2;
    }
    return reportRuntimeError(io, error);
  }
}
