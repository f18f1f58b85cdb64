// Persona and step hooks: Harn closures registered for lifecycle events
// (`register_persona_hook(persona_glob, event, handler)`,
// `register_step_hook(persona_glob, step_name, event, handler)`). PreStep
// hooks may deny a step or replace its arguments, PostStep hooks may
// replace its result; the step wrapper (step-call.ts) runs them.

import { display, typeName } from "../../vm/display.ts";
import { runtimeError, thrown } from "../../vm/errors.ts";
import { Closure, Dict, type Value } from "../../vm/values.ts";
import { starGlobMatch } from "../star-glob.ts";
import type { ActiveStep } from "./active.ts";

export const HOOK_EVENTS = [
  "PreStep",
  "PostStep",
  "OnBudgetThreshold",
  "OnApprovalRequested",
  "OnHandoffEmitted",
  "OnPersonaPaused",
  "OnPersonaResumed",
] as const;

export type HookEvent = (typeof HOOK_EVENTS)[number];

export interface HookRegistration {
  readonly personaPattern: string;
  /** Only this step's events, or every step's when null. */
  readonly stepName: string | null;
  readonly event: HookEvent;
  /** For OnBudgetThreshold(<pct>): fires only at or above this percentage. */
  readonly thresholdPct: number | null;
  readonly handler: Closure;
}

/** `PreStep`, `OnBudgetThreshold(80)`, ... → event and threshold, or a thrown error naming `fn`. */
export function parseHookEvent(raw: Value, fn: string): { event: HookEvent; thresholdPct: number | null } {
  const text = typeof raw === "string" ? raw.trim() : display(raw);
  const m = /^OnBudgetThreshold\((.*)\)$/.exec(text);
  if (m !== null) {
    const pct = Number(m[1]!.trim());
    if (m[1]!.trim() === "" || !Number.isFinite(pct) || pct < 0) {
      throw runtimeError(`${fn}: invalid budget threshold \`${m[1]}\``);
    }
    return { event: "OnBudgetThreshold", thresholdPct: pct };
  }
  const event = HOOK_EVENTS.find((e) => e === text);
  if (event === undefined) throw runtimeError(`${fn}: unknown persona hook event \`${text}\``);
  return { event, thresholdPct: null };
}

export function hookHandler(v: Value | undefined, fn: string): Closure {
  if (v instanceof Closure) return v;
  throw runtimeError(`${fn}: handler must be a closure, got ${typeName(v ?? null)}`);
}

export function matchingHooks(
  hooks: readonly HookRegistration[],
  event: HookEvent,
  persona: string | null,
  stepName: string | null,
  budgetPct: number | null = null,
): Closure[] {
  return hooks
    .filter((h) => h.event === event && starGlobMatch(h.personaPattern, persona ?? ""))
    .filter((h) => h.stepName === null || h.stepName === stepName)
    .filter((h) => h.thresholdPct === null || (budgetPct !== null && budgetPct >= h.thresholdPct))
    .map((h) => h.handler);
}

/** What a hook receives: `{event, target, persona, step: {name, function, args}, output?}`. */
export function hookPayload(event: HookEvent, step: ActiveStep, output?: Value): Dict {
  const persona = step.persona ?? "";
  const fields: Record<string, Value> = {
    event,
    target: persona === "" ? step.def.name : `${persona}.${step.def.name}`,
    persona,
    step: Dict.of({ name: step.def.name, function: step.def.fn, args: [...step.args] }),
  };
  if (output !== undefined) fields.output = output;
  return Dict.of(fields);
}

/** A PreStep hook's answer: go on (possibly with new arguments) or deny the step. */
export function preStepVerdict(answer: Value, stepName: string): Value[] | undefined {
  if (answer === null || answer === "Allow") return undefined;
  if (answer instanceof Dict) {
    const args = answer.get("args") ?? answer.get("modify");
    if (Array.isArray(args)) return args;
    const denied = answer.map.has("deny") || answer.map.has("reason") || answer.get("action") === "deny";
    if (denied) {
      const reason = answer.get("deny") ?? answer.get("reason");
      throw thrown(
        Dict.of({
          category: "hook_denied",
          event: "PreStep",
          reason: reason === null ? "denied by PreStep hook" : display(reason),
          step: stepName,
        }),
      );
    }
    return undefined;
  }
  throw runtimeError(
    `PreStep hook for step \`${stepName}\` returned ${typeName(answer)}; expected nil, "Allow" or a dict`,
  );
}

/** A PostStep hook's answer: the step's result, possibly replaced. */
export function postStepResult(answer: Value, current: Value): Value {
  if (answer instanceof Dict) {
    for (const key of ["output", "result", "modify"]) if (answer.map.has(key)) return answer.get(key);
  }
  return current;
}
