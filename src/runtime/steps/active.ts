// The steps and personas a task is inside of. They live on the task's
// ambient context (TaskContext `activeSteps` / `personaFrames`), so an
// inline subtask shares its parent's active step while a spawned worker
// starts with none. An ActiveStep is mutable: every LLM call made under it
// adds its usage, and the call that pushes it past its budget fails.

import { thrown } from "../../vm/errors.ts";
import type { Task } from "../../vm/task.ts";
import { Dict, HFloat, type Value } from "../../vm/values.ts";
import { contextOf, type Stack, top } from "../task-context.ts";
import type { PersonaDefinition, StepDefinition } from "./definitions.ts";

export class ActiveStep {
  inputTokens = 0;
  outputTokens = 0;
  costUsd = 0;
  llmCalls = 0;
  lastModel: string | null = null;

  constructor(
    readonly def: StepDefinition,
    readonly persona: string | null,
    readonly args: readonly Value[],
  ) {}

  get totalTokens(): number {
    return this.inputTokens + this.outputTokens;
  }
}

export function activeStep(task: Task): ActiveStep | undefined {
  return top(contextOf(task).slots.activeSteps as Stack<ActiveStep>);
}

export function activePersona(task: Task): PersonaDefinition | undefined {
  return top(contextOf(task).slots.personaFrames as Stack<PersonaDefinition>);
}

/** The model `llm_call` uses when its options name none: the innermost step's. */
export function stepModelDefault(task: Task): string | null {
  return activeStep(task)?.def.model ?? null;
}

/** LLM call options with the innermost step's model filled in when they name none. */
export function withStepModel(task: Task | null | undefined, options: Value): Value {
  const model = task ? stepModelDefault(task) : null;
  if (model === null) return options;
  if (options instanceof Dict && options.get("model") !== null) return options;
  return (options instanceof Dict ? options : new Dict()).with("model", model);
}

function budgetExhausted(step: ActiveStep, limit: "max_tokens" | "max_usd", limitValue: number): Dict {
  const def = step.def;
  return Dict.of({
    category: "budget_exceeded",
    kind: "budget_exhausted",
    reason: "step_budget_exhausted",
    step: def.name,
    function: def.fn,
    limit,
    limit_value: new HFloat(limitValue),
    consumed_tokens: new HFloat(step.totalTokens),
    consumed_cost_usd: new HFloat(step.costUsd),
    error_boundary: def.errorBoundary ?? "fail",
    // The reference quotes the token count even for the max_usd limit.
    message: `step \`${def.name}\` exceeded ${limit} budget (${Math.trunc(step.totalTokens)} > ${Math.trunc(limitValue)})`,
  });
}

/**
 * Charges one LLM call to the innermost active step (no-op outside steps).
 * Checked after the call, so the call that crosses the budget returns its
 * usage to the step and then fails with the step's budget error.
 */
export function recordStepUsage(
  task: Task,
  model: string,
  inputTokens: number,
  outputTokens: number,
  costUsd: number,
): void {
  const step = activeStep(task);
  if (step === undefined) return;
  step.inputTokens += Math.max(0, inputTokens);
  step.outputTokens += Math.max(0, outputTokens);
  step.costUsd += costUsd;
  step.llmCalls++;
  if (model !== "") step.lastModel = model;
  const def = step.def;
  if (def.maxTokens !== null && step.totalTokens > def.maxTokens) {
    throw thrown(budgetExhausted(step, "max_tokens", def.maxTokens));
  }
  if (def.maxUsd !== null && step.costUsd > def.maxUsd)
    throw thrown(budgetExhausted(step, "max_usd", def.maxUsd));
}
