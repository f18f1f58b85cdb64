// Installs the standard library into a VM.

import type { Vm } from "../vm/vm.ts";
import { registerCore } from "./core.ts";
import type { StdlibHost } from "./host-api.ts";
import { registerBasicMethods } from "./methods-basic.ts";

export function registerStdlib(vm: Vm, host: StdlibHost): void {
  void host;
  registerCore(vm);
  registerBasicMethods(vm);
}
