// Installs every LLM builtin on a VM, after creating its LLM state.

import type { Vm } from "../../vm/vm.ts";
import { installLlmState, type JsonCodec, type LlmHost, type LlmState } from "../state.ts";
import { registerCallBuiltins } from "./call-builtins.ts";
import { registerCatalogBuiltins } from "./catalog-builtins.ts";
import { registerCompletionBuiltins } from "./completion-builtins.ts";
import { registerMockBuiltins } from "./mock-builtins.ts";
import { registerStreamBuiltins } from "./stream-builtins.ts";
import { registerUsageBuiltins } from "./usage-builtins.ts";

export function registerLlmBuiltins(vm: Vm, host: LlmHost, json: JsonCodec): LlmState {
  const state = installLlmState(vm, host, json);
  registerCallBuiltins(vm, state);
  registerCompletionBuiltins(vm, state);
  registerMockBuiltins(vm, state);
  registerCatalogBuiltins(vm, state);
  registerUsageBuiltins(vm, state);
  registerStreamBuiltins(vm, state);
  return state;
}
