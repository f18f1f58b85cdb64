// `agent_loop` and the agent-definition helpers (spec: "agent_loop",
// "agent()"): `agent(name, config)` builds an agent dict,
// `agent_config(agent, prompt)` turns it into the `{prompt, system,
// options}` triple agent_loop takes, and `agent_inject_feedback` queues a
// message for a running session's next turn. The loop runs as a Promise
// the calling task parks on; cancelling the task aborts it.

import { runAgentLoop } from "../../llm/agent/loop.ts";
import { agentRuntimeOf } from "../../llm/agent/runtime-state.ts";
import { contextOf } from "../../runtime/task-context.ts";
import { display } from "../../vm/display.ts";
import { runtimeError, thrown } from "../../vm/errors.ts";
import { cancellable } from "../../vm/scheduler.ts";
import { type BuiltinContext, Closure, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

/** Options an agent dict passes through to agent_loop. */
const AGENT_OPTION_KEYS = [
  "provider",
  "model",
  "thinking",
  "tools",
  "max_iterations",
  "tool_format",
  "structural_experiment",
  "context_callback",
  "context_filter",
  "tool_retries",
  "tool_backoff_ms",
];

function agentLoop(vm: Vm, args: Value[], ctx: BuiltinContext): Promise<Value> {
  const controller = new AbortController();
  const options = args[2];
  if (options !== undefined && options !== null && !(options instanceof Dict)) {
    throw thrown("agent_loop: options (third argument) must be a dict");
  }
  const work = runAgentLoop({
    vm,
    owner: ctx.task,
    ctx: contextOf(ctx.task),
    prompt: args[0] === undefined || args[0] === null ? "" : display(args[0]),
    system: args[1] === undefined || args[1] === null ? null : display(args[1]),
    options: options instanceof Dict ? options : null,
    builtin: "agent_loop",
    kind: "agent_loop",
    signal: controller.signal,
  });
  return cancellable(work, () => controller.abort());
}

function agentDef(args: Value[]): Dict {
  const config = args[1];
  if (config !== undefined && !(config instanceof Dict)) {
    throw thrown("agent: second argument must be a config dict");
  }
  const m = new Map(config instanceof Dict ? config.map : []);
  m.set("_type", "agent");
  m.set("name", args[0] === undefined ? "" : display(args[0]));
  return new Dict(m);
}

function agentConfig(args: Value[]): Dict {
  if (args.length < 2) throw thrown("agent_config: requires agent and prompt");
  const agent = args[0];
  if (!(agent instanceof Dict)) throw thrown("agent_config: first argument must be an agent");
  if (agent.get("_type") !== "agent") {
    throw thrown("agent_config: first argument must be an agent (created with agent())");
  }
  const options = new Map<string, Value>();
  for (const key of AGENT_OPTION_KEYS) if (agent.map.has(key)) options.set(key, agent.get(key));
  return Dict.of({ prompt: args[1]!, system: agent.get("system"), options: new Dict(options) });
}

function requireString(args: Value[], i: number, usage: string, name: string): string {
  const v = args[i];
  if (typeof v !== "string") throw runtimeError(`${usage}: ${name} must be a string`);
  return v;
}

export function registerLoopBuiltins(vm: Vm): void {
  vm.registerBuiltin("agent_loop", (args, ctx) => agentLoop(vm, args, ctx));
  vm.registerBuiltin("agent", (args) => agentDef(args));
  vm.registerBuiltin("agent_config", (args) => agentConfig(args));
  vm.registerBuiltin("agent_name", (args) => {
    const agent = args[0];
    if (!(agent instanceof Dict)) throw thrown("agent_name: argument must be an agent");
    return agent.get("name");
  });
  vm.registerBuiltin("agent_subscribe", (args) => {
    const usage = "agent_subscribe(session_id, callback)";
    const sessionId = requireString(args, 0, usage, "session_id");
    const callback = args[1];
    if (callback === undefined) throw runtimeError(`${usage}: callback closure required`);
    if (!(callback instanceof Closure)) throw runtimeError(`${usage}: callback must be a closure`);
    agentRuntimeOf(vm).subscribe(sessionId, callback);
    return null;
  });
  vm.registerBuiltin("agent_inject_feedback", (args) => {
    const usage = "agent_inject_feedback(session_id, kind, content)";
    const sessionId = requireString(args, 0, usage, "session_id");
    const kind = requireString(args, 1, usage, "kind");
    const content = requireString(args, 2, usage, "content");
    agentRuntimeOf(vm).queueFeedback(sessionId, { kind, content });
    return null;
  });
}
