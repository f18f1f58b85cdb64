// Declaring what this program serves over MCP (spec: "MCP server"):
// `mcp_tools(registry)` (old name `mcp_serve`), `mcp_resource`,
// `mcp_resource_template` and `mcp_prompt`. Each validates its dict and
// records it in the VM's serve state; all return nil.

import { mcpServeStateOf } from "../../llm/mcp/serve.ts";
import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Closure, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

function dictArg(builtin: string, v: Value | undefined, shape: string): Dict {
  if (!(v instanceof Dict)) throw runtimeError(`${builtin}: argument must be a dict${shape}`);
  return v;
}

function required(builtin: string, d: Dict, key: string): string {
  const v = d.map.get(key);
  if (v === undefined) throw runtimeError(`${builtin}: '${key}' is required`);
  return display(v);
}

function optional(d: Dict, key: string): string | null {
  const v = d.map.get(key);
  return v === undefined ? null : display(v);
}

function handler(builtin: string, d: Dict): Closure {
  const h = d.map.get("handler");
  if (!(h instanceof Closure)) throw runtimeError(`${builtin}: 'handler' closure is required`);
  return h;
}

export function registerMcpServeBuiltins(vm: Vm): void {
  const state = mcpServeStateOf(vm);
  const serveTools = (args: Value[]): null => {
    const registry = args[0];
    if (registry === undefined) throw runtimeError("mcp_tools: requires a tool_registry argument");
    if (!(registry instanceof Dict)) throw runtimeError("mcp_tools: argument must be a tool registry");
    if (registry.get("_type") !== "tool_registry") {
      throw runtimeError("mcp_tools: argument must be a tool registry (created with tool_registry())");
    }
    state.registry = registry;
    return null;
  };
  vm.registerBuiltin("mcp_tools", serveTools);
  vm.registerBuiltin("mcp_serve", serveTools);
  vm.registerBuiltin("mcp_resource", (args) => {
    const d = dictArg("mcp_resource", args[0], " with {uri, name, text}");
    const uri = required("mcp_resource", d, "uri");
    const name = required("mcp_resource", d, "name");
    const text = required("mcp_resource", d, "text");
    state.resources.push({
      uri,
      name,
      title: optional(d, "title"),
      description: optional(d, "description"),
      mimeType: optional(d, "mime_type"),
      text,
    });
    return null;
  });
  vm.registerBuiltin("mcp_resource_template", (args) => {
    const d = dictArg("mcp_resource_template", args[0], "");
    const uriTemplate = required("mcp_resource_template", d, "uri_template");
    const name = required("mcp_resource_template", d, "name");
    state.resourceTemplates.push({
      uriTemplate,
      name,
      title: optional(d, "title"),
      description: optional(d, "description"),
      mimeType: optional(d, "mime_type"),
      handler: handler("mcp_resource_template", d),
    });
    return null;
  });
  vm.registerBuiltin("mcp_prompt", (args) => {
    const d = dictArg("mcp_prompt", args[0], " with {name, handler}");
    const name = required("mcp_prompt", d, "name");
    const title = optional(d, "title");
    const description = optional(d, "description");
    const fn = handler("mcp_prompt", d);
    const raw = d.map.get("arguments");
    const list = (Array.isArray(raw) ? raw : [])
      .filter((a): a is Dict => a instanceof Dict)
      .map((a) => ({
        name: a.map.has("name") ? display(a.get("name")) : "",
        description: optional(a, "description"),
        required: a.get("required") === true,
      }));
    state.prompts.push({ name, title, description, arguments: list.length > 0 ? list : null, handler: fn });
    return null;
  });
}
