// Installs the standard library into a VM.

import type { Vm } from "../vm/vm.ts";
import { registerCore } from "./core.ts";
import { registerBasicMethods } from "./methods-basic.ts";

export function registerStdlib(vm: Vm): void {
  registerCore(vm);
  registerBasicMethods(vm);
}
