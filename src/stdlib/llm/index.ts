// Registers the LLM layer (src/llm) on a VM: supplies it the host's
// environment and clock and the standard library's JSON reader, which the
// llm/ layer may not import itself.

import { registerLlmBuiltins } from "../../llm/builtins/index.ts";
import { parseMockSpec } from "../../llm/builtins/mock-builtins.ts";
import { registerHttpProviders } from "../../llm/providers/register-providers.ts";
import { llmStateOf } from "../../llm/state.ts";
import type { Transport } from "../../llm/transport/types.ts";
import { runtimeError } from "../../vm/errors.ts";
import type { JsonCodec } from "../../llm/state.ts";
import type { Vm } from "../../vm/vm.ts";
import { extractJsonText } from "../data/json.ts";
import { parseJson } from "../data/json-codec.ts";
import type { StdlibHost } from "../host-api.ts";

const STDLIB_JSON: JsonCodec = { parse: parseJson, extract: extractJsonText };

/**
 * Installs llm_call & co. on `vm`; `host` provides the environment (API
 * keys, HARN_LLM_*) and clock. With a `transport` the real HTTP providers
 * (OpenAI-compatible, Anthropic, Ollama) are registered and send through
 * it; without one only the mock answers, so a VM never reaches the
 * network unless its creator hands it a way to.
 */
export function registerLlm(vm: Vm, host: StdlibHost, transport?: Transport): void {
  registerLlmBuiltins(vm, host, STDLIB_JSON);
  if (transport) registerHttpProviders(vm, transport);
}

/**
 * Queues recorded responses (one JSON object per line, the shape
 * `llm_mock` takes) so the program's LLM calls replay them in order: what
 * `harn run --llm-mock FILE` and `X.llm-mock.jsonl` conformance fixtures do.
 */
export function queueLlmMockReplay(vm: Vm, jsonl: string, file: string): void {
  const mocks = llmStateOf(vm).mocks;
  jsonl.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let spec: ReturnType<typeof parseMockSpec>;
    try {
      spec = parseMockSpec(parseJson(line));
    } catch (e) {
      throw runtimeError(
        `${file}:${i + 1}: invalid LLM mock line: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    mocks.push(spec);
  });
}
