// Calls to `@persona` and `@step` functions go through a native wrapper
// (a NativeCall whose frame catches errors) instead of straight into the
// function. The wrapper keeps the persona/step stacks on the task's
// ambient context for exactly the duration of the call, runs PreStep and
// PostStep hooks around it, narrows the execution policy to the persona's
// stage, applies the step's error boundary to budget errors, and records
// the finished step. The function itself is then called with a raw
// CallRequest, which the interceptor lets through.

import { display } from "../../vm/display.ts";
import { ErrorKind, thrown, VmError } from "../../vm/errors.ts";
import type { Task } from "../../vm/task.ts";
import { CallRequest, type Closure, Dict, NativeCall, type Value } from "../../vm/values.ts";
import { CapabilityPolicy, PolicyError } from "../policy/capability-policy.ts";
import { contextOf, push, type Stack, top } from "../task-context.ts";
import { ActiveStep, activePersona } from "./active.ts";
import { boundaryOf, type PersonaDefinition, type StepDefinition } from "./definitions.ts";
import { hookPayload, matchingHooks, postStepResult, preStepVerdict } from "./hooks.ts";
import type { StepRegistry, StepStatus } from "./registry.ts";

type Gen = Generator<CallRequest, Value, Value>;

/** The wrapper for a tracked function's call. */
export function trackedCall(reg: StepRegistry, task: Task, closure: Closure, args: Value[]): NativeCall {
  return new NativeCall(personaScope(reg, task, closure, args), true);
}

function* personaScope(reg: StepRegistry, task: Task, closure: Closure, args: Value[]): Gen {
  const persona = reg.personas.get(closure.proto.name);
  const saved = contextOf(task).slots.personaFrames;
  if (persona !== undefined) task.ctx = contextOf(task).with({ personaFrames: push(saved, persona) });
  try {
    const step = reg.steps.get(closure.proto.name);
    if (step === undefined) return yield new CallRequest(closure, args, true);
    return yield* stepScope(reg, task, closure, args, step);
  } finally {
    if (persona !== undefined) task.ctx = contextOf(task).with({ personaFrames: saved });
  }
}

/** Runs `request` with no active step or persona, so hooks are not charged to the step. */
function* suspended(task: Task, request: CallRequest): Gen {
  const { activeSteps, personaFrames } = contextOf(task).slots;
  task.ctx = contextOf(task).with({ activeSteps: null, personaFrames: null });
  try {
    return yield request;
  } finally {
    task.ctx = contextOf(task).with({ activeSteps, personaFrames });
  }
}

/** The execution policy a persona stage imposes on its step; it can only narrow the ambient one. */
function stagePolicy(
  task: Task,
  persona: PersonaDefinition | undefined,
  stepName: string,
): CapabilityPolicy | null {
  const stage = persona?.stages.find((s) => s.name === stepName);
  if (stage === undefined) return null;
  const own = new CapabilityPolicy(stage.allowedTools ?? [], new Map(), [], stage.sideEffectLevel);
  const parent = top(contextOf(task).slots.executionPolicies as Stack<CapabilityPolicy>);
  if (parent === undefined) return own;
  try {
    return parent.intersect(own);
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    // The stage names tools the ambient ceiling denies: keep only the allowed ones.
    const tools = own.tools.filter((t) => parent.tools.length === 0 || parent.tools.includes(t));
    return new CapabilityPolicy(tools, new Map(), [], stage.sideEffectLevel);
  }
}

function isBudgetError(e: unknown): e is VmError {
  if (!(e instanceof VmError) || e.kind !== ErrorKind.Thrown || !(e.thrown instanceof Dict)) return false;
  const d = e.thrown;
  if (d.get("kind") === "budget_exhausted" && d.get("reason") === "step_budget_exhausted") return true;
  return d.get("category") === "budget_exceeded";
}

function messageOf(e: unknown): string {
  if (e instanceof VmError) {
    if (e.kind === ErrorKind.Thrown && e.thrown instanceof Dict && e.thrown.map.has("message")) {
      return display(e.thrown.get("message"));
    }
    return e.kind === ErrorKind.Thrown ? display(e.thrown) : e.display(display);
  }
  return e instanceof Error ? e.message : String(e);
}

/** The budget error re-thrown by an `escalate` boundary: marked for handoff, same location. */
function escalated(e: VmError, def: StepDefinition): VmError {
  const d = e.thrown as Dict;
  let out = d.with("escalated", true).with("category", "handoff_escalation");
  if (!d.map.has("step")) out = out.with("step", def.name);
  if (!d.map.has("function")) out = out.with("function", def.fn);
  const next = thrown(out);
  next.line = e.line;
  next.col = e.col;
  next.file = e.file;
  return next;
}

function* stepScope(
  reg: StepRegistry,
  task: Task,
  closure: Closure,
  args: Value[],
  def: StepDefinition,
): Gen {
  const persona = activePersona(task);
  const personaName = persona?.name ?? null;
  let callArgs = args;
  for (const hook of matchingHooks(reg.hooks, "PreStep", personaName, def.name)) {
    const probe = new ActiveStep(def, personaName, callArgs);
    const answer = yield* suspended(task, new CallRequest(hook, [hookPayload("PreStep", probe)]));
    callArgs = preStepVerdict(answer, def.name) ?? callArgs;
  }
  const step = new ActiveStep(def, personaName, callArgs);
  const saved = contextOf(task).slots;
  const policy = stagePolicy(task, persona, def.name);
  task.ctx = contextOf(task).with({
    activeSteps: push(saved.activeSteps, step),
    ...(policy !== null && { executionPolicies: push(saved.executionPolicies, policy) }),
  });
  let status: StepStatus = "completed";
  let error: string | null = null;
  let result: Value = null;
  try {
    result = yield new CallRequest(closure, callArgs, true);
  } catch (e) {
    error = messageOf(e);
    const boundary = isBudgetError(e) ? boundaryOf(def) : "fail";
    if (boundary === "continue") status = "skipped";
    else if (boundary === "escalate") {
      status = "escalated";
      throw escalated(e as VmError, def);
    } else {
      status = "failed";
      throw e;
    }
  } finally {
    task.ctx = contextOf(task).with({
      activeSteps: saved.activeSteps,
      executionPolicies: saved.executionPolicies,
    });
    reg.completed.push({
      name: def.name,
      fn: def.fn,
      model: step.lastModel ?? def.model,
      inputTokens: step.inputTokens,
      outputTokens: step.outputTokens,
      costUsd: step.costUsd,
      llmCalls: step.llmCalls,
      status,
      error,
    });
  }
  for (const hook of matchingHooks(reg.hooks, "PostStep", personaName, def.name)) {
    const answer = yield* suspended(task, new CallRequest(hook, [hookPayload("PostStep", step, result)]));
    result = postStepResult(answer, result);
  }
  return result;
}
