// Installs the standard library into a VM: core builtins, then the methods
// and free functions of each value type. Later registrations win, so range
// methods come after the iter methods they override.

import type { Vm } from "../vm/vm.ts";
import { registerCollections } from "./collections.ts";
import { registerCore } from "./core.ts";
import { registerDictMethods } from "./dict-methods.ts";
import { registerErrorCategories } from "./error-categories.ts";
import type { StdlibHost } from "./host-api.ts";
import { registerIterMethods } from "./iter-methods.ts";
import { registerListMethods } from "./list-methods.ts";
import { registerRangeMethods } from "./range-methods.ts";
import { registerSets } from "./set-methods.ts";
import { registerStreams } from "./streams.ts";
import { registerStringMethods } from "./string-methods.ts";
import { registerStrings } from "./strings.ts";

export function registerStdlib(vm: Vm, host: StdlibHost): void {
  void host;
  registerCore(vm);
  registerErrorCategories(vm);
  registerListMethods(vm);
  registerDictMethods(vm);
  registerSets(vm);
  registerStringMethods(vm);
  registerStrings(vm);
  registerCollections(vm);
  registerIterMethods(vm);
  registerRangeMethods(vm);
  registerStreams(vm);
}
