// The Node implementation of the standard library's host services.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import process from "node:process";
import type { StdlibHost } from "../stdlib/host-api.ts";

export const nodeStdlibHost: StdlibHost = {
  readFile: (p) => readFileSync(p, "utf8"),
  writeFile: (p, text) => writeFileSync(p, text),
  fileExists: (p) => existsSync(p),
  resolvePath: (base, rel) => path.resolve(base, rel),
  dirname: (p) => path.dirname(p),
  cwd: () => process.cwd(),
  env: (name) => process.env[name],
  now: () => Date.now(),
};
