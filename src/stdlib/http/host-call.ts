// `host_call("capability.operation", params)`: the bridge from Harn code
// to what the host offers. Mocks registered with `host_mock` answer first;
// then the built-in operations: process.exec (argv or shell mode, through
// the system stdlib's process runner), the shell catalog, template
// rendering, interaction.ask, and standalone fallbacks for runtime.* and
// workspace.* that an embedding host would normally supply.
// `host_capabilities()` describes them, mocked operations included.

import { callHarn } from "../../llm/agent/callbacks.ts";
import { agentRuntimeOf } from "../../llm/agent/runtime-state.ts";
import { type CommandPolicy, currentCommandPolicy } from "../../runtime/policy/command-policy.ts";
import { registerCommandPolicyBuiltins } from "../../runtime/policy/command-policy-builtins.ts";
import {
  blockedResponse,
  commandPostflight,
  commandPreflight,
  type GateSite,
} from "../../runtime/policy/command-policy-gate.ts";
import { contextOf, top } from "../../runtime/task-context.ts";
import { display } from "../../vm/display.ts";
import { type CancellableWait, cancellable } from "../../vm/scheduler.ts";
import { runtimeError, thrown } from "../../vm/errors.ts";
import { type BuiltinContext, CallRequest, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { SystemHost } from "../system/host.ts";
import { executionRoot, readEnv } from "../system/locations.ts";
import { runProcessExec } from "../system/process.ts";
import { HostMockRegistry } from "./host-mocks.ts";
import { catalogValue, ShellCatalog, shellValue } from "./shells.ts";
import { textAt } from "./options.ts";

/** Built-in capabilities: operation name -> what it does. */
const MANIFEST: Record<string, { description: string; ops: Record<string, string> }> = {
  process: {
    description: "Run processes on the host.",
    ops: {
      exec: "Run a program from an argv list, or a command line through a named shell.",
      list_shells: "The shells this host knows about.",
      get_default_shell: "The shell used when a request names none.",
      set_default_shell: "Choose the default shell for this session.",
      shell_invocation: "The argv that runs a command through a shell (login/interactive aware).",
    },
  },
  template: { description: "Template rendering.", ops: { render: "Render a template file with bindings." } },
  interaction: {
    description: "Talking to the user.",
    ops: { ask: "Ask the user a question and read the answer." },
  },
};

const MOCKED_CAPABILITY = "Capability provided by a test mock.";
const MOCKED_OPERATION = "Operation provided by a test mock.";

function manifest(mocks: HostMockRegistry): Dict {
  const caps = new Map<string, { description: string; ops: Map<string, string> }>();
  for (const [name, cap] of Object.entries(MANIFEST)) {
    caps.set(name, { description: cap.description, ops: new Map(Object.entries(cap.ops)) });
  }
  for (const [cap, op] of mocks.mocked()) {
    let entry = caps.get(cap);
    if (!entry) {
      entry = { description: MOCKED_CAPABILITY, ops: new Map() };
      caps.set(cap, entry);
    }
    if (!entry.ops.has(op)) entry.ops.set(op, MOCKED_OPERATION);
  }
  const out = new Map<string, Value>();
  for (const [name, cap] of caps) {
    const operations = new Map<string, Value>();
    for (const [op, description] of cap.ops) operations.set(op, Dict.of({ description }));
    out.set(
      name,
      Dict.of({ description: cap.description, ops: [...cap.ops.keys()], operations: new Dict(operations) }),
    );
  }
  return new Dict(out);
}

function requireParam(params: Dict, key: string): string {
  const v = params.map.get(key);
  const text = v === undefined || v === null ? "" : display(v);
  if (text === "") throw thrown(`host_call: missing required parameter '${key}'`);
  return text;
}

export function registerHostCall(vm: Vm, system: SystemHost): void {
  registerCommandPolicyBuiltins(vm, (ctx) => executionRoot(ctx, system));
  const mocks = new HostMockRegistry();
  const shells = new ShellCatalog(system);
  const inShellCatalog = <T>(prefix: string, op: () => T): T => {
    try {
      return op();
    } catch (e) {
      throw runtimeError(`${prefix}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const spawnExec = (ctx: BuiltinContext, params: Dict): Promise<Value> => {
    const mode = params.map.get("mode");
    if (mode !== undefined && mode !== "shell") return runProcessExec(ctx, system, params);
    const command = requireParam(params, "command");
    const inv = inShellCatalog("host_call process.exec", () =>
      shells.invocation(params.with("command", command)),
    );
    return runProcessExec(ctx, system, params.with("mode", "argv").with("argv", [inv.program, ...inv.args]));
  };

  // The command policy in force (command_policy_push, with_command_policy,
  // an agent loop's command_policy) sees every process.exec before it
  // spawns and its result after; without one the command just runs.
  const processExec = (ctx: BuiltinContext, params: Dict): Promise<Value> => {
    const policy = currentCommandPolicy(contextOf(ctx.task));
    if (policy === null) return spawnExec(ctx, params);
    // The gate is async; keep the spawned command killable when the task is cancelled.
    let running: CancellableWait | null = null;
    const spawnTracked = (p: Dict): Promise<Value> => {
      running = spawnExec(ctx, p);
      return running as Promise<Value>;
    };
    return cancellable(gatedExec(ctx, params, policy, spawnTracked), () => running?.cancel?.());
  };

  const gatedExec = async (
    ctx: BuiltinContext,
    params: Dict,
    policy: CommandPolicy,
    spawn: (params: Dict) => Promise<Value>,
  ): Promise<Value> => {
    const taskCtx = contextOf(ctx.task);
    const site: GateSite = {
      ctx: taskCtx,
      executionRoot: executionRoot(ctx, system),
      runHook: (hook, arg, hookCtx) => callHarn({ vm, owner: ctx.task, ctx: hookCtx }, hook, [arg]),
      queueFeedback: (sessionId, kind, content) =>
        agentRuntimeOf(vm).queueFeedback(sessionId, { kind, content }),
    };
    const caller = Dict.of({
      surface: "host_call",
      capability: "process",
      operation: "exec",
      session_id: top(taskCtx.slots.agentSessions) ?? null,
    });
    const pre = await commandPreflight(params, policy, site, caller);
    if (pre.kind === "blocked") return blockedResponse(params, pre, system.nowMs());
    const result = await spawn(pre.params);
    return commandPostflight(result, policy, site, pre);
  };

  const operation = (
    ctx: BuiltinContext,
    cap: string,
    op: string,
    params: Dict,
  ): Value | Promise<Value> | CallRequest => {
    switch (`${cap}.${op}`) {
      case "process.exec":
        return processExec(ctx, params);
      case "process.list_shells":
        return catalogValue(shells);
      case "process.get_default_shell": {
        const shell = shells.defaultShell();
        return shell ? shellValue(shell) : null;
      }
      case "process.set_default_shell": {
        const id = params.map.get("shell_id") ?? params.map.get("id");
        if (typeof id !== "string") throw runtimeError("process.set_default_shell missing shell_id");
        return shellValue(shells.select(id));
      }
      case "process.shell_invocation": {
        const inv = inShellCatalog("process.shell_invocation", () => shells.invocation(params));
        return Dict.of({
          program: inv.program,
          args: inv.args,
          command_arg_index: inv.commandArgIndex,
          shell: shellValue(inv.shell),
        });
      }
      case "template.render": {
        const render = vm.builtins.get("render");
        if (!render) throw thrown("host_call template.render: no template renderer is installed");
        return new CallRequest(render, [requireParam(params, "path"), params.map.get("bindings") ?? null]);
      }
      case "interaction.ask": {
        ctx.vm.write(requireParam(params, "question"));
        return system.readStdinLine();
      }
      case "runtime.task":
        return readEnv(ctx, system, "HARN_TASK") ?? "";
      case "runtime.set_result":
        return null;
      case "workspace.project_root":
        return readEnv(ctx, system, "HARN_PROJECT_ROOT") ?? executionRoot(ctx, system);
      case "workspace.cwd":
        return executionRoot(ctx, system);
      default:
        throw thrown(`host_call: unsupported operation ${cap}.${op}`);
    }
  };

  const b = vm.registerBuiltin.bind(vm);
  b("host_call", (args, ctx) => {
    const name = textAt(args, 0);
    const dot = name.indexOf(".");
    if (dot < 0) throw thrown(`host_call: unsupported operation name '${name}'`);
    const cap = name.slice(0, dot);
    const op = name.slice(dot + 1);
    const params = args[1] instanceof Dict ? args[1] : new Dict();
    const mocked = mocks.dispatch(cap, op, params);
    return mocked ? mocked.value : operation(ctx, cap, op, params);
  });
  b("host_mock", (args) => {
    mocks.add(args);
    return null;
  });
  b("host_mock_clear", () => {
    mocks.clear();
    return null;
  });
  b("host_mock_calls", () => mocks.log());
  b("host_mock_push_scope", () => {
    mocks.pushScope();
    return null;
  });
  b("host_mock_pop_scope", () => {
    mocks.popScope();
    return null;
  });
  b("host_capabilities", () => manifest(mocks));
  b("host_has", (args) => {
    const cap = manifest(mocks).get(textAt(args, 0));
    if (!(cap instanceof Dict)) return false;
    if (args.length < 2) return true;
    const ops = cap.get("ops");
    return Array.isArray(ops) && ops.includes(textAt(args, 1));
  });
  b("host_tool_list", () => []);
  b("host_tool_call", (args) => {
    if (textAt(args, 0) === "") throw thrown("host_tool_call: tool name is required");
    throw thrown("host_tool_call: no host bridge is attached");
  });
}
