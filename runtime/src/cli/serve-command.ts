// coreforge-runtime serve: the inference daemon. Listens at once (503 while the interpreters load), and returns 0
// after SIGTERM/SIGINT once in-flight requests have their answers and the classifiers are closed.
import { availableParallelism } from 'node:os';
import { DecodeBudget, DEFAULT_DECODE_BUDGET_BYTES } from '../decode-budget.js';
import { readRegularFile } from '../read-file.js';
import { parseArgs } from 'node:util';
import { openClassifier } from '../classifier.js';
import { ENV } from '../env.js';
import { RuntimeError } from '../errors.js';
import { SERVE_ENV } from '../env.js';
import { DEFAULT_SERVER_OPTIONS, defaultWorkers } from '../serve/options.js';
import { createInferenceServer } from '../serve/server.js';
import { stopSignal } from '../serve/shutdown.js';
import type { Classifier, ClassifierOptions } from '../types.js';
import { intFlag, isUsageError, MODEL_OPTIONS, modelFlags } from './args.js';
import type { RuntimeIO } from './main.js';
import { reportRuntimeError } from './report.js';

const DEFAULT_MAX_PIXELS = 50_000_000;

const HELP = `usage: coreforge-runtime serve [--port 8080] [--bind 127.0.0.1] [-m MODEL] [-l LABELS] [--threads 1]
                               [--workers N] [--queue 32] [--max-body 16777216] [--max-pixels 50000000]
                               [--delegate cpu|edgetpu|auto] [--edgetpu-model FILE] [--device usb] [-k 5]

POST /v1/classify (body: the image bytes; ?top_k=N) -> JSON top-k with timings
GET /healthz (200 when ready, 503 while loading or shutting down); GET /metrics (Prometheus text)

  --workers N     interpreters loaded side by side, one request each (default: CPU count / --threads)
  --queue N       requests that may wait for a free interpreter; more get 503 + Retry-After
  --max-body N    largest body in bytes (413 beyond); --max-pixels N: largest decoded image
  --decode-memory N  bytes the decodes in flight may hold together (default 192 MiB; 503 + Retry-After beyond)
  --token-file F  require "Authorization: Bearer <token>" on POST /v1/classify, token read from F (401 otherwise)
Defaults come from the environment when set: ${Object.values(SERVE_ENV).join(', ')},
${ENV.MODEL}, ${ENV.LABELS}, ${ENV.THREADS}, ${ENV.DELEGATE}, ${ENV.EDGETPU_MODEL}.
SIGTERM or SIGINT: stop accepting, answer the requests in flight, exit.

example:
  coreforge-runtime serve --port 8080 -m model.tflite -l labels.txt --workers 2
  curl --data-binary @grace_hopper.bmp 'http://127.0.0.1:8080/v1/classify?top_k=3'`;

export interface ServeSignals {
  /** Resolves when the daemon should stop (SIGTERM/SIGINT). Injected so tests can stop it. */
  readonly stop: Promise<unknown>;
  dispose?(): void;
}

/** Opens `count` classifiers in parallel (start-up takes one load, not N); if one fails, closes the others. */
async function openClassifiers(
  count: number,
  options: ClassifierOptions,
  env: RuntimeIO['env'],
): Promise<Classifier[]> {
  const settled = await Promise.allSettled(Array.from({ length: count }, () => openClassifier(options, env)));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (!failed) return settled.map((s) => (s as PromiseFulfilledResult<Classifier>).value);
  for (const s of settled) if (s.status === 'fulfilled') s.value.close();
  throw failed.reason;
}

/** The bearer token: the first line of a small regular file, in the RFC 6750 token characters, 16 to 256 long. */
async function readToken(file: string): Promise<string> {
  const text = (
    await readRegularFile(file, {
      what: 'token file',
      maxBytes: 4096,
      missing: 'ARGUMENT_INVALID',
      invalid: 'ARGUMENT_INVALID',
    })
  ).toString('utf8');
  const token = text.split(/\r?\n/, 1)[0]!.trim();
  if (!/^[A-Za-z0-9._~+/=-]{16,256}$/.test(token))
    throw new RuntimeError(
      'ARGUMENT_INVALID',
      `cannot use the token in "${file}": expected 16 to 256 characters from A-Z a-z 0-9 . _ ~ + / = -`,
      'write a long random token, e.g. "openssl rand -hex 32"',
    );
  return token;
}

const hostPort = (address: string, port: number) => `${address.includes(':') ? `[${address}]` : address}:${port}`;

export async function serveCommand(args: readonly string[], io: RuntimeIO, signals?: ServeSignals): Promise<number> {
  const stop = signals ?? stopSignal();
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
        'decode-memory': { type: 'string' },
        'token-file': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const env = io.env;
    const { topK, ...model } = modelFlags(values, env, 'serve', 64);
    const workers = intFlag(
      'workers',
      values.workers ?? env[SERVE_ENV.WORKERS],
      defaultWorkers(availableParallelism(), model.threads),
      1,
      64,
    );
    const decodeBudget = new DecodeBudget(
      intFlag('decode-memory', values['decode-memory'] ?? env[SERVE_ENV.DECODE_MEMORY], DEFAULT_DECODE_BUDGET_BYTES, 1),
    );
    const classifierOptions: ClassifierOptions = {
      ...model,
      maxPixels: intFlag('max-pixels', values['max-pixels'] ?? env[SERVE_ENV.MAX_PIXELS], DEFAULT_MAX_PIXELS, 1),
      decodeBudget,
    };
    const tokenFile = values['token-file'] ?? env[SERVE_ENV.TOKEN_FILE];
    const token = tokenFile ? await readToken(tokenFile) : undefined;
    const bind = values.bind ?? env[SERVE_ENV.BIND] ?? DEFAULT_SERVER_OPTIONS.bind;
    const port = intFlag('port', values.port ?? env[SERVE_ENV.PORT], DEFAULT_SERVER_OPTIONS.port, 0, 65535);
    const service = createInferenceServer(() => openClassifiers(workers, classifierOptions, env), {
      port,
      bind,
      maxQueue: intFlag('queue', values.queue ?? env[SERVE_ENV.QUEUE], DEFAULT_SERVER_OPTIONS.maxQueue, 0),
      maxBodyBytes: intFlag(
        'max-body',
        values['max-body'] ?? env[SERVE_ENV.MAX_BODY],
        DEFAULT_SERVER_OPTIONS.maxBodyBytes,
        1,
      ),
      topK,
      ...(token !== undefined && { token }),
      log: (text) => io.err(text),
    });
    try {
      const address = await service.listen();
      io.out(`listening on http://${hostPort(address.address, address.port)}`);
    } catch (error) {
      await service.close();
      throw new RuntimeError(
        'ARGUMENT_INVALID',
        `cannot listen on ${hostPort(bind, port)}: ${(error as Error).message}`,
        'choose another --port or --bind',
        { cause: error },
      );
    }
    const loaded = await Promise.race([
      service.ready().then(
        (c) => ({ classifiers: c }),
        (error: unknown) => ({ error }),
      ),
      stop.stop.then(() => undefined),
    ]);
    if (loaded && 'error' in loaded) {
      await service.close();
      throw loaded.error;
    }
    if (loaded) {
      const info = loaded.classifiers[0]!.info;
      for (const w of loaded.classifiers[0]!.warnings) io.err(`warning: ${w}`);
      io.out(
        `ready: ${loaded.classifiers.length} worker(s), ${info.modelFile ?? model.model} on ${info.path}, ${info.threads} thread(s) each, TFLite ${info.library.version}`,
      );
      await stop.stop;
    }
    io.out('shutting down: finishing the requests in flight');
    await service.close();
    return 0;
  } catch (error) {
    if (isUsageError(error)) {
      io.err(`error: ${error.message}\n${HELP}`);
      return 2;
    }
    return reportRuntimeError(io, error);
  } finally {
    stop.dispose?.();
  }
}
