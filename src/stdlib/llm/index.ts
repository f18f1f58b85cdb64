// Registers the LLM layer (src/llm) on a VM: supplies it the host's
// environment and clock and the standard library's JSON reader, which the
// llm/ layer may not import itself.

import { registerLlmBuiltins } from "../../llm/builtins/index.ts";
import type { JsonCodec } from "../../llm/state.ts";
import type { Vm } from "../../vm/vm.ts";
import { extractJsonText } from "../data/json.ts";
import { parseJson } from "../data/json-codec.ts";
import type { StdlibHost } from "../host-api.ts";

const STDLIB_JSON: JsonCodec = { parse: parseJson, extract: extractJsonText };

/** Installs llm_call & co. on `vm`; `host` provides the environment (API keys, HARN_LLM_*) and clock. */
export function registerLlm(vm: Vm, host: StdlibHost): void {
  registerLlmBuiltins(vm, host, STDLIB_JSON);
}
