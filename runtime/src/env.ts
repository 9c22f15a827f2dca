// Every environment variable the runtime reads, in one place (STYLE B3).
export const ENV = {
  /** Explicit path of libtensorflowlite_c.so (second in the search order, after the API option). */
  TFLITE_LIB: 'COREFORGE_TFLITE_LIB',
  /** Explicit path of libedgetpu.so.1 (the Edge TPU delegate plugin). */
  EDGETPU_LIB: 'COREFORGE_EDGETPU_LIB',
  /** Set by snapd inside a snap: the snap's read-only root. */
  SNAP: 'SNAP',
  /** Set by snapd: per-revision writable data folder (the configure hook writes options there). */
  SNAP_DATA: 'SNAP_DATA',
  /** Defaults for classify/serve inside the snap (the configure hook and wrappers set them). */
  MODEL: 'COREFORGE_MODEL',
  EDGETPU_MODEL: 'COREFORGE_EDGETPU_MODEL',
  LABELS: 'COREFORGE_LABELS',
  THREADS: 'COREFORGE_THREADS',
  DELEGATE: 'COREFORGE_DELEGATE',
} as const;

/**
 * The serve daemon's defaults (flags win). Inside the snap the serve wrapper passes the configure hook's
 * values as flags; these variables are for everyone else (systemd units, containers, a shell).
 */
export const SERVE_ENV = {
  /** TCP port (default 8080). */
  PORT: 'COREFORGE_PORT',
  /** Address to listen on (default 127.0.0.1; the snap's configure hook defaults to 0.0.0.0). */
  BIND: 'COREFORGE_BIND',
  /** Interpreters loaded side by side, one request each at a time (default: the CPU count / threads, at least 1). */
  WORKERS: 'COREFORGE_WORKERS',
  /** Requests allowed to wait for a free interpreter; more get 503 with Retry-After (default 32). */
  QUEUE: 'COREFORGE_QUEUE',
  /** Largest accepted body in bytes (default 16 MiB); larger gets 413 before it is read. */
  MAX_BODY: 'COREFORGE_MAX_BODY',
  /** Largest decoded image, width * height (default 50,000,000); larger gets 413. */
  MAX_PIXELS: 'COREFORGE_MAX_PIXELS',
  /** Memory the image decodes in flight may take together, in bytes (default 192 MiB); more get 503 + Retry-After. */
  DECODE_MEMORY: 'COREFORGE_DECODE_MEMORY',
  /** A file holding the bearer token POST /v1/classify requires (unset: no token; the snap's configure hook writes it). */
  TOKEN_FILE: 'COREFORGE_TOKEN_FILE',
} as const;
