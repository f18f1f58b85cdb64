// Harn-code hooks around agent work (spec: "Hooks"): `PreToolUse` may deny
// a call or rewrite its arguments, `PostToolUse` may rewrite its result,
// `PreAgentTurn`/`PostAgentTurn` observe turn boundaries. Whoever loads
// them (manifest `[[hooks]]`, embedders) adds them here; the agent loop
// runs every matching hook in registration order. The simple
// `register_tool_hook` deny/max_output hooks live in llm/tools/hooks.ts
// and run first.

import { display, typeName } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { type JsonObject, type JsonValue, jsonToValue, valueToJson } from "../json.ts";

export type AgentHookEvent = "PreToolUse" | "PostToolUse" | "PreAgentTurn" | "PostAgentTurn";

export interface AgentHook {
  readonly event: AgentHookEvent;
  /** Whether the hook applies to this event payload (tool name patterns, conditions). */
  readonly matches: (payload: JsonObject) => boolean;
  /** A Harn callable receiving the payload dict. */
  readonly handler: Value;
}

export class AgentHooks {
  private readonly hooks: AgentHook[] = [];

  add(hook: AgentHook): void {
    this.hooks.push(hook);
  }

  clear(): void {
    this.hooks.length = 0;
  }

  matching(event: AgentHookEvent, payload: JsonObject): AgentHook[] {
    return this.hooks.filter((h) => h.event === event && h.matches(payload));
  }
}

const registries = new WeakMap<Vm, AgentHooks>();

export function agentHooksOf(vm: Vm): AgentHooks {
  let h = registries.get(vm);
  if (!h) {
    h = new AgentHooks();
    registries.set(vm, h);
  }
  return h;
}

export type HookCaller = (fn: Value, args: Value[]) => Promise<Value>;

export type PreToolOutcome = { readonly deny: string } | { readonly args: JsonValue };

/** Runs the PreToolUse hooks; the first denial wins, rewrites chain. */
export async function runPreToolHooks(
  vm: Vm,
  tool: string,
  args: JsonValue,
  call: HookCaller,
): Promise<PreToolOutcome> {
  let current = args;
  const hooks = agentHooksOf(vm);
  for (const hook of hooks.matching("PreToolUse", {
    event: "PreToolUse",
    tool: { name: tool, args: current },
  })) {
    const payload: JsonObject = { event: "PreToolUse", tool: { name: tool, args: current } };
    const r = await call(hook.handler, [jsonToValue(payload)]);
    if (r === null) continue;
    if (!(r instanceof Dict))
      throw runtimeError(`PreToolUse hook must return nil or {deny, args}, got ${typeName(r)}`);
    const deny = r.map.get("deny");
    if (deny !== undefined) return { deny: display(deny) };
    const rewritten = r.map.get("args");
    if (rewritten !== undefined) current = valueToJson(rewritten);
  }
  return { args: current };
}

/** Runs the PostToolUse hooks over a result text. */
export async function runPostToolHooks(
  vm: Vm,
  tool: string,
  args: JsonValue,
  result: string,
  call: HookCaller,
): Promise<string> {
  let current = result;
  const hooks = agentHooksOf(vm);
  const probe: JsonObject = { event: "PostToolUse", tool: { name: tool, args }, result: { text: current } };
  for (const hook of hooks.matching("PostToolUse", probe)) {
    const payload: JsonObject = {
      event: "PostToolUse",
      tool: { name: tool, args },
      result: { text: current },
    };
    const r = await call(hook.handler, [jsonToValue(payload)]);
    if (r === null) continue;
    if (typeof r === "string") current = r;
    else if (r instanceof Dict) {
      const replaced = r.map.get("result");
      if (replaced !== undefined) current = display(replaced);
    } else throw runtimeError(`PostToolUse hook must return nil, string, or {result}, got ${typeName(r)}`);
  }
  return current;
}

/** Runs observer hooks for a turn boundary (their return values are ignored). */
export async function runTurnHooks(
  vm: Vm,
  event: "PreAgentTurn" | "PostAgentTurn",
  payload: JsonObject,
  call: HookCaller,
): Promise<void> {
  for (const hook of agentHooksOf(vm).matching(event, payload))
    await call(hook.handler, [jsonToValue(payload)]);
}
