// Tool registry builtins (spec: "Tool registry"): tool_registry,
// tool_define and the `tool NAME(...)` declaration intrinsic, lookups and
// views (tool_find/list/select/remove/count/describe/schema/prompt), the
// `<tool_call>` text protocol helpers, tool_bind/tool_ref/tool_def, hooks
// and surface validation. The registry logic lives in llm/tools; this file
// only adapts arguments and errors.

import { declareTool } from "../../llm/tools/decl.ts";
import { defineTool } from "../../llm/tools/define.ts";
import {
  describeTools,
  formatToolResult,
  toolCallSpans,
  toolPrompt,
  toolSchemaDocument,
} from "../../llm/tools/describe.ts";
import {
  emptyToolRegistry,
  findTool,
  publicEntry,
  requireToolRegistry,
  toolEntries,
  toolNames,
  withTools,
} from "../../llm/tools/registry.ts";
import { bindToolRegistry, toolsStateOf } from "../../llm/tools/state.ts";
import { validateToolSurface } from "../../llm/tools/surface.ts";
import { contextOf } from "../../runtime/task-context.ts";
import { display } from "../../vm/display.ts";
import { thrown } from "../../vm/errors.ts";
import { type BuiltinContext, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { parseJson } from "../data/json-codec.ts";
import { registerSynthesisBuiltins } from "./synthesis-builtins.ts";

function nameSet(builtin: string, v: Value | undefined, what: string): Set<string> {
  if (!Array.isArray(v)) throw thrown(`${builtin}: second argument must be a list of ${what} names`);
  return new Set(v.map((x) => display(x)));
}

/**
 * The registry bound for the calling task: `tool_bind` and agent loops set
 * the task context's `toolRegistry` slot; an embedder may bind one for the
 * whole VM (`bindToolRegistry`).
 */
function currentRegistry(vm: Vm, ctx: BuiltinContext): Value {
  const slot = contextOf(ctx.task).slots.toolRegistry as Value | null;
  return slot ?? toolsStateOf(vm).boundRegistry;
}

/** The bound registry, or the builtin's "no registry" error. */
function boundRegistry(vm: Vm, ctx: BuiltinContext, builtin: string): Dict {
  const r = currentRegistry(vm, ctx);
  if (r === null) {
    throw thrown(
      `${builtin}: no tool registry bound to this scope. Call tool_bind(registry) first, or invoke inside an agent_loop.`,
    );
  }
  if (!(r instanceof Dict)) throw thrown(`${builtin}: bound tool registry is not a dict`);
  return requireToolRegistry(builtin, r, "bound tool registry is not a dict");
}

function unknownTool(builtin: string, registry: Dict, name: string): never {
  const names = toolNames(registry);
  const listed = names.length === 0 ? "(none registered)" : names.join(", ");
  throw thrown(`${builtin}: unknown tool ${JSON.stringify(name)}. Registered tools: ${listed}`);
}

function registerLookups(vm: Vm): void {
  const b = vm.registerBuiltin.bind(vm);
  b("tool_registry", () => emptyToolRegistry());
  b("tool_define", (args) => defineTool(args));
  b("__tool_decl", (args) => declareTool(args));
  b("tool_list", (args) =>
    toolEntries(requireToolRegistry("tool_list", args[0], "requires a tool registry")).map(publicEntry),
  );
  b("tool_find", (args) => {
    if (args.length < 2) throw thrown("tool_find: requires registry and name");
    const r = requireToolRegistry("tool_find", args[0], "first argument must be a tool registry");
    return findTool(r, display(args[1]!));
  });
  b("tool_select", (args) => {
    if (args.length < 2) throw thrown("tool_select: requires registry and names list");
    const r = requireToolRegistry("tool_select", args[0], "first argument must be a tool registry");
    const names = nameSet("tool_select", args[1], "tool");
    return withTools(
      r,
      toolEntries(r).filter((t) => t.map.has("name") && names.has(display(t.get("name")))),
    );
  });
  b("tool_remove", (args) => {
    if (args.length < 2) throw thrown("tool_remove: requires registry and name");
    const r = requireToolRegistry("tool_remove", args[0], "first argument must be a tool registry");
    const name = display(args[1]!);
    const tools = r.get("tools");
    const list = Array.isArray(tools) ? tools : [];
    return withTools(
      r,
      list.filter((t) => !(t instanceof Dict && typeof t.get("name") === "string" && t.get("name") === name)),
    );
  });
  b(
    "tool_count",
    (args) => toolEntries(requireToolRegistry("tool_count", args[0], "requires a tool registry")).length,
  );
}

function registerViews(vm: Vm): void {
  const b = vm.registerBuiltin.bind(vm);
  b("tool_describe", (args) =>
    describeTools(requireToolRegistry("tool_describe", args[0], "requires a tool registry")),
  );
  b("tool_prompt", (args) =>
    toolPrompt(requireToolRegistry("tool_prompt", args[0], "requires a tool registry")),
  );
  b("tool_schema", (args) => {
    const r = requireToolRegistry("tool_schema", args[0], "requires a tool registry");
    return toolSchemaDocument(r, args[1] instanceof Dict ? args[1] : null);
  });
  b("tool_parse_call", (args) => {
    const out: Value[] = [];
    for (const span of toolCallSpans(args[0] === undefined ? "" : display(args[0]))) {
      try {
        out.push(parseJson(span));
      } catch {
        // Malformed calls are skipped, as in the text protocol's parser.
      }
    }
    return out;
  });
  b("tool_format_result", (args) => {
    if (args.length < 2) throw thrown("tool_format_result: requires name and result");
    return formatToolResult(display(args[0]!), display(args[1]!));
  });
  b("tool_surface_validate", (args, ctx) => {
    const surface = args[0] ?? currentRegistry(vm, ctx);
    return validateToolSurface(surface, args[1]);
  });
}

function registerBinding(vm: Vm): void {
  const b = vm.registerBuiltin.bind(vm);
  b("tool_bind", (args, ctx) => {
    const v = args[0];
    const r =
      v === undefined || v === null
        ? null
        : requireToolRegistry("tool_bind", v, "argument must be a tool registry or nil");
    ctx.task.ctx = contextOf(ctx.task).with({ toolRegistry: r });
    // Unbinding also clears an embedder's VM-wide binding, so `tool_bind(nil)` always leaves nothing bound.
    if (r === null) bindToolRegistry(vm, null);
    return r;
  });
  b("tool_ref", (args, ctx) => {
    if (typeof args[0] !== "string") throw thrown("tool_ref: name must be a string literal");
    const r = boundRegistry(vm, ctx, "tool_ref");
    if (findTool(r, args[0]) === null) unknownTool("tool_ref", r, args[0]);
    return args[0];
  });
  b("tool_def", (args, ctx) => {
    if (typeof args[0] !== "string") throw thrown("tool_def: name must be a string literal");
    const r = boundRegistry(vm, ctx, "tool_def");
    const entry = findTool(r, args[0]);
    if (entry === null) unknownTool("tool_def", r, args[0]);
    return publicEntry(entry);
  });
}

function registerHooks(vm: Vm): void {
  const hooks = toolsStateOf(vm).hooks;
  vm.registerBuiltin("register_tool_hook", (args) => {
    const config = args[0] instanceof Dict ? args[0] : new Dict();
    const pattern = config.map.has("pattern") ? display(config.get("pattern")) : "*";
    const deny = config.map.get("deny");
    const max = config.map.get("max_output");
    hooks.register({
      pattern,
      ...(deny !== undefined && { deny: display(deny) }),
      ...(typeof max === "number" && max >= 0 && { maxOutput: max }),
    });
    return null;
  });
  vm.registerBuiltin("clear_tool_hooks", () => {
    hooks.clear();
    return null;
  });
}

export function registerToolBuiltins(vm: Vm): void {
  registerLookups(vm);
  registerViews(vm);
  registerBinding(vm);
  registerHooks(vm);
  registerSynthesisBuiltins(vm);
}
