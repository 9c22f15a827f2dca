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
