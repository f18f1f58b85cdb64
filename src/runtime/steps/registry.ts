// The step runtime's per-VM state: registered steps and personas (keyed by
// function name, as the reference does), hooks, and the log of finished
// steps. Registrations replace earlier ones of the same function.

import { HFloat, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { PersonaDefinition, StepDefinition } from "./definitions.ts";
import type { HookRegistration } from "./hooks.ts";

export type StepStatus = "completed" | "failed" | "skipped" | "escalated";

export interface CompletedStep {
  readonly name: string;
  readonly fn: string;
  readonly model: string | null;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  readonly llmCalls: number;
  readonly status: StepStatus;
  readonly error: string | null;
}

export class StepRegistry {
  readonly steps = new Map<string, StepDefinition>();
  readonly personas = new Map<string, PersonaDefinition>();
  readonly hooks: HookRegistration[] = [];
  readonly completed: CompletedStep[] = [];

  isTracked(fnName: string): boolean {
    return this.steps.has(fnName) || this.personas.has(fnName);
  }
}

const registries = new WeakMap<Vm, StepRegistry>();

export function stepRegistryFor(vm: Vm): StepRegistry {
  let r = registries.get(vm);
  if (r === undefined) {
    r = new StepRegistry();
    registries.set(vm, r);
  }
  return r;
}

export function completedStepValue(s: CompletedStep): Dict {
  const fields: Record<string, Value> = {
    name: s.name,
    function: s.fn,
    model: s.model,
    input_tokens: s.inputTokens,
    output_tokens: s.outputTokens,
    cost_usd: new HFloat(s.costUsd),
    llm_calls: s.llmCalls,
    status: s.status,
    error: s.error,
  };
  return Dict.of(fields);
}
