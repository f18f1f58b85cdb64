// Running a structural experiment on a call's request: a built-in rewrite,
// or a custom transform closure called with `{messages, system, iteration,
// label, name, args}` that returns nil (no change), a message list, or a
// dict `{messages?, system?, label?, name?, metadata?}`.
//
// The result dict of an experimented call remembers what was sent (the
// rewritten messages and the applied experiment) in a side table keyed by
// that dict, so the transcript attached to it shows the request the model
// actually saw without adding keys programs would see on the result.

import { contextOf } from "../../runtime/task-context.ts";
import { display } from "../../vm/display.ts";
import { thrown } from "../../vm/errors.ts";
import type { Task } from "../../vm/task.ts";
import { Closure, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { callHarn } from "../agent/callbacks.ts";
import { isJsonObject, type JsonObject, type JsonValue, jsonToValue, valueToJson } from "../json.ts";
import type { LlmCallOptions } from "../options.ts";
import { type AppliedExperiment, applyBuiltIn, type StructuralExperiment } from "./structural-experiment.ts";

interface Rewrite {
  readonly messages: JsonObject[];
  readonly system: string | null;
  readonly metadata: JsonValue;
}

function messageList(v: Value[]): JsonObject[] {
  return v.map((m) => {
    const j = valueToJson(m);
    if (!isJsonObject(j)) throw thrown("structural_experiment transform: each message must be a dict");
    return j;
  });
}

function interpret(
  result: Value,
  messages: JsonObject[],
  system: string | null,
  exp: StructuralExperiment,
): Rewrite {
  if (result === null) return { messages, system, metadata: {} };
  if (Array.isArray(result)) return { messages: messageList(result), system, metadata: {} };
  if (!(result instanceof Dict)) {
    throw thrown("structural_experiment transform must return nil, a message list, or a dict");
  }
  const m = result.get("messages");
  if (m !== null && !Array.isArray(m))
    throw thrown("structural_experiment transform: `messages` must be a list");
  const pick = (key: string, fallback: string): string => {
    const v = result.get(key);
    const text = v === null ? "" : display(v);
    return text.trim() === "" ? fallback : text;
  };
  const metadata: JsonObject = { label: pick("label", exp.label), name: pick("name", exp.name) };
  if (result.map.has("metadata")) metadata.details = valueToJson(result.get("metadata"));
  const sys = result.map.has("system") ? result.get("system") : system;
  return {
    messages: Array.isArray(m) ? messageList(m) : messages,
    system: sys === null ? null : display(sys),
    metadata,
  };
}

/** Runs a Harn closure for the experiment (as a child task of the caller); resolves to its result. */
export type ClosureRunner = (fn: Closure, args: Value[]) => Promise<Value>;

/** A runner for calls made by `task`, under its context; null when no Harn task is calling. */
export function taskClosureRunner(vm: Vm, task: Task | null | undefined): ClosureRunner | null {
  if (task === null || task === undefined) return null;
  return (fn, args) => callHarn({ vm, owner: task, ctx: contextOf(task) }, fn, args);
}

async function runTransform(
  run: ClosureRunner | null,
  exp: StructuralExperiment,
  transform: Closure,
  messages: JsonObject[],
  system: string | null,
  iteration: number | null,
): Promise<Rewrite> {
  if (run === null) throw thrown("structural_experiment: a transform closure needs a calling Harn task");
  const arg = Dict.of({
    messages: messages.map((msg) => jsonToValue(msg)),
    system,
    iteration,
    label: exp.label,
    name: exp.name,
    args: jsonToValue(exp.args),
  });
  return interpret(await run(transform, [arg]), messages, system, exp);
}

/**
 * `opts` with its experiment applied to the request, and what was applied
 * (null: no experiment). `iteration` is the agent-loop turn, null for a
 * single call.
 */
export async function applyStructuralExperiment(
  opts: LlmCallOptions,
  run: ClosureRunner | null,
  iteration: number | null,
): Promise<{ opts: LlmCallOptions; applied: AppliedExperiment | null }> {
  const exp = opts.structuralExperiment;
  if (exp === null) return { opts, applied: null };
  const messages = [...opts.request.messages];
  const system = opts.request.system;
  const rewrite =
    exp.handler instanceof Closure
      ? await runTransform(run, exp, exp.handler, messages, system, iteration)
      : { ...applyBuiltIn(exp.handler, messages, system), metadata: exp.args };
  const applied: AppliedExperiment = {
    label: exp.label,
    name: exp.name,
    args: exp.args,
    metadata: rewrite.metadata,
  };
  return {
    opts: { ...opts, request: { ...opts.request, messages: rewrite.messages, system: rewrite.system } },
    applied,
  };
}

/** What an experimented call sent: the rewritten messages and the experiment. */
export interface ExperimentRecord {
  readonly messages: readonly JsonObject[];
  readonly experiment: AppliedExperiment;
}

const records = new WeakMap<Dict, ExperimentRecord>();

export function rememberExperiment(result: Dict, record: ExperimentRecord): void {
  records.set(result, record);
}

/** The experiment record of a call's result dict, if the call ran under one. */
export function experimentOf(result: Dict): ExperimentRecord | undefined {
  return records.get(result);
}

/** The transcript's `structural_experiment` value for an applied experiment. */
export function appliedJson(applied: AppliedExperiment): JsonObject {
  return { label: applied.label, name: applied.name, args: applied.args, metadata: applied.metadata };
}
