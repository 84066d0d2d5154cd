// Not a Function: test files are skipped by discovery.
export {};
