// Per-VM state of the LLM layer: the mock registry, installed capability
// overrides, real providers an embedder registered, the spending budget
// and the usage ledger behind `llm_usage`/`llm_session_cost`. The reference
// keeps these per thread; one VM is our unit of isolation, so nothing here
// is module-global.

import type { Value } from "../vm/values.ts";
import type { Vm } from "../vm/vm.ts";
import { AgentTrace } from "./agent-trace.ts";
import type { CapabilityFile } from "./catalog/capability-rules.ts";
import { REGISTERED_PROVIDER_NAMES } from "./catalog/providers.ts";
import { MockRegistry } from "./mock/registry.ts";
import type { LlmProvider } from "./provider.ts";

/** What the LLM layer needs from its host: environment and clock. */
export interface LlmHost {
  env(name: string): string | undefined;
  /** Milliseconds since the epoch. */
  now(): number;
}

/** JSON reading, injected from the standard library (llm/ may not import stdlib). */
export interface JsonCodec {
  /** Parses JSON text into a Harn value; throws on malformed input. */
  parse(text: string): Value;
  /** The JSON inside model prose: a fenced block, else the first balanced object/array, else the text. */
  extract(text: string): string;
}

export interface UsageLedger {
  inputTokens: number;
  outputTokens: number;
  durationMs: number;
  calls: number;
}

export class LlmState {
  readonly mocks = new MockRegistry();
  capabilityOverrides: CapabilityFile | null = null;
  /** Real providers by name (HTTP providers, embedder-supplied ones). */
  readonly providers = new Map<string, LlmProvider>();
  /** Names `llm_providers` lists: the catalog, "mock", and `provider_register` additions. */
  readonly providerNames = new Set<string>(REGISTERED_PROVIDER_NAMES);
  budgetUsd: number | null = null;
  spentUsd = 0;
  readonly usage: UsageLedger = { inputTokens: 0, outputTokens: 0, durationMs: 0, calls: 0 };
  /** Events for `agent_trace()`; the agent loop appends its own through `llmStateOf(vm).trace`. */
  readonly trace = new AgentTrace();

  constructor(
    readonly host: LlmHost,
    readonly json: JsonCodec,
  ) {}

  env(name: string): string | undefined {
    const v = this.host.env(name);
    return v === undefined || v === "" ? undefined : v;
  }
}

const states = new WeakMap<Vm, LlmState>();

/** Creates the VM's LLM state (once; later calls return the existing one). */
export function installLlmState(vm: Vm, host: LlmHost, json: JsonCodec): LlmState {
  let s = states.get(vm);
  if (!s) {
    s = new LlmState(host, json);
    states.set(vm, s);
  }
  return s;
}

export function llmStateOf(vm: Vm): LlmState {
  const s = states.get(vm);
  if (!s) throw new Error("the LLM layer is not installed on this VM (call registerLlm first)");
  return s;
}

/** Makes `provider` answer `llm_call(..., {provider: provider.name})` on this VM. */
export function registerLlmProvider(vm: Vm, provider: LlmProvider): void {
  const state = llmStateOf(vm);
  state.providers.set(provider.name, provider);
  state.providerNames.add(provider.name);
}
