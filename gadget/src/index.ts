// Public surface of @coreforge/gadget: re-exports only (STYLE P1).
export {};
