// Installs the tools, skills and MCP builtins on a VM (spec: "Tool
// registry", "Skills", "MCP"). The registry logic lives in llm/tools,
// llm/skills and llm/mcp; the host (files, processes) arrives through the
// interfaces passed here, never through node:* imports.

import type { Vm } from "../../vm/vm.ts";
import { registerToolBuiltins } from "./tool-builtins.ts";

export function registerTools(vm: Vm): void {
  registerToolBuiltins(vm);
}
