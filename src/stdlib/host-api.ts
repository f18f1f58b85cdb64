// What the standard library needs from its host (files, environment,
// clock, processes). The CLI passes the Node implementation from
// src/host; embedders and a future browser build can pass their own.

export interface StdlibHost {
  readFile(path: string): string;
  writeFile(path: string, text: string): void;
  fileExists(path: string): boolean;
  /** Absolute path of `rel` against directory `base` (`rel` may already be absolute). */
  resolvePath(base: string, rel: string): string;
  dirname(path: string): string;
  cwd(): string;
  env(name: string): string | undefined;
  /** Milliseconds since the epoch. */
  now(): number;
}

/** A host for tests and sandboxes: no filesystem, empty environment. */
export const NULL_HOST: StdlibHost = {
  readFile(path) {
    throw new Error(`no filesystem available (reading ${path})`);
  },
  writeFile(path) {
    throw new Error(`no filesystem available (writing ${path})`);
  },
  fileExists: () => false,
  resolvePath: (base, rel) => (rel.startsWith("/") ? rel : `${base.replace(/\/$/, "")}/${rel}`),
  dirname: (p) => p.replace(/\/[^/]*$/, "") || "/",
  cwd: () => "/",
  env: () => undefined,
  now: () => Date.now(),
};
