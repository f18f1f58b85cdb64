// What a Harn program offers when it runs as an MCP server (spec: "MCP
// server"): the tool registry given to `mcp_tools`/`mcp_serve`, static
// resources, resource templates and prompts. The builtins only record
// them; `harn mcp-serve` (or an embedder) reads them after the program has
// run and answers MCP requests from them.

import type { Closure, Dict } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

export interface McpResourceDef {
  readonly uri: string;
  readonly name: string;
  readonly title: string | null;
  readonly description: string | null;
  readonly mimeType: string | null;
  readonly text: string;
}

export interface McpResourceTemplateDef {
  readonly uriTemplate: string;
  readonly name: string;
  readonly title: string | null;
  readonly description: string | null;
  readonly mimeType: string | null;
  /** Called with a dict of the template's arguments; returns the text. */
  readonly handler: Closure;
}

export interface McpPromptArgDef {
  readonly name: string;
  readonly description: string | null;
  readonly required: boolean;
}

export interface McpPromptDef {
  readonly name: string;
  readonly title: string | null;
  readonly description: string | null;
  readonly arguments: readonly McpPromptArgDef[] | null;
  /** Called with a dict of arguments; returns a string or a message list. */
  readonly handler: Closure;
}

export class McpServeState {
  registry: Dict | null = null;
  readonly resources: McpResourceDef[] = [];
  readonly resourceTemplates: McpResourceTemplateDef[] = [];
  readonly prompts: McpPromptDef[] = [];
}

const states = new WeakMap<Vm, McpServeState>();

/** The VM's MCP server declarations (created on first use). */
export function mcpServeStateOf(vm: Vm): McpServeState {
  let s = states.get(vm);
  if (!s) {
    s = new McpServeState();
    states.set(vm, s);
  }
  return s;
}
