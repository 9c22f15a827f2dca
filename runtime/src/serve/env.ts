// The environment variables the serve daemon reads for its defaults (flags win). Inside the snap the serve wrapper
// passes the configure hook's values (`snap set <snap> port=... bind=... threads=... model=...`, saved in
// $SNAP_DATA/config.env) as flags; these variables are for everyone else (systemd units, containers, a shell).
// The model variables (COREFORGE_MODEL, COREFORGE_LABELS, COREFORGE_THREADS, COREFORGE_DELEGATE,
// COREFORGE_EDGETPU_MODEL) are shared with classify and listed in ../env.ts.
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
} as const;
