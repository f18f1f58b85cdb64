// Node built-ins that only some programs need (http, tls, child processes,
// crypto, zlib) are loaded on first use: requiring them up front costs the
// CLI several milliseconds of start-up. In the CommonJS bundle `require` is
// the module's own; when the sources run directly as ES modules (tests) a
// require is created, which resolves built-ins from any base path.

import { createRequire } from "node:module";

const load: (id: string) => unknown =
  typeof require === "function" ? require : createRequire(`${process.cwd()}/`);

/** A getter for the built-in module `id`, loaded the first time it is called. */
export function lazyBuiltin<T>(id: string): () => T {
  let module: T | undefined;
  return () => {
    module ??= load(id) as T;
    return module;
  };
}
