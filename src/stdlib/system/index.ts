// The system part of the standard library: files, paths, processes,
// environment and standard streams, all reached through a SystemHost so
// this folder never touches node:*. Register it after the core stdlib: its
// `eprint`/`eprintln` replace the core ones so `capture_stderr_*` sees them.

import type { Vm } from "../../vm/vm.ts";
import { registerEnv } from "./env.ts";
import { registerFs } from "./fs.ts";
import type { SystemHost } from "./host.ts";
import { registerIo } from "./io.ts";
import { registerPaths } from "./paths.ts";
import { registerProcess } from "./process.ts";

/** Installs the file, path, process, environment and stdio builtins backed by `host`. */
export function registerSystemStdlib(vm: Vm, host: SystemHost): void {
  registerFs(vm, host);
  registerPaths(vm, host);
  registerProcess(vm, host);
  registerEnv(vm, host);
  registerIo(vm, host);
}
