/**
 * The little of Node's `process` that the library reads outside Node: an empty environment
 * (so THEORYGRAD_* defaults apply), no command-line flags, and a stderr that is not a
 * terminal (so progress bars stay silent). Imported first by main.ts; in Node it does nothing.
 */
const page = globalThis as { process?: unknown };
page.process ??= {
  env: {},
  argv: [],
  stderr: { isTTY: false, write: () => true },
};

export {};
