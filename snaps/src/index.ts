// Public surface of @coreforge/snaps: re-exports only (STYLE P1).
export {};
