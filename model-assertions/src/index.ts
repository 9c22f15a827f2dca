// Public surface of @coreforge/model-assertions: re-exports only (STYLE P1).
export {};
