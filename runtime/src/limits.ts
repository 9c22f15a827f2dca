// The largest files the runtime loads into memory (read-file.ts enforces them on the device; the builder's config
// check refuses a project whose files exceed them, before anything is built). No imports: cheap to load.

/** 1 GiB: the largest TFLite vision models are a few hundred MB. */
export const MAX_MODEL_BYTES = 1024 * 1024 * 1024;
/** 8 MiB: ImageNet's 1001 labels are 10 KB. */
export const MAX_LABELS_BYTES = 8 * 1024 * 1024;
/** 64 MiB: a phone's largest JPEGs or PNGs are a fraction of it. */
export const MAX_IMAGE_FILE_BYTES = 64 * 1024 * 1024;
