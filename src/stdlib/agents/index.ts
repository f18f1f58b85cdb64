// Installs the agent runtime on a VM (spec: "Agents"): agent_loop and
// agent definitions, sessions, transcripts and compaction, sub-agents and
// workers, progress lines and human-in-the-loop requests. The engine
// lives in llm/agent; this layer adapts the host (files for snapshots)
// and registers the builtins.

import { installAgentRuntime } from "../../llm/agent/runtime-state.ts";
import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import type { Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { StdlibHost } from "../host-api.ts";
import type { SystemHost } from "../system/host.ts";
import { attachCallTranscripts } from "./call-transcripts.ts";
import { registerCompactionBuiltins } from "./compaction-builtins.ts";
import { agentFiles } from "./files.ts";
import { registerHitl } from "./hitl.ts";
import { registerLoopBuiltins } from "./loop-builtins.ts";
import { registerProgress } from "./progress.ts";
import { registerSessionBuiltins } from "./session-builtins.ts";
import { registerTranscriptBuiltins } from "./transcript-builtins.ts";
import { mcpConnector, skillMcpBinder } from "../tools/index.ts";
import { registerWorkerBuiltins } from "./worker-builtins.ts";

/** Installs the agent builtins; the LLM layer (registerLlm) must already be installed. */
export function registerAgents(vm: Vm, _host: StdlibHost, system: SystemHost): void {
  const runtime = installAgentRuntime(vm, agentFiles(system));
  // Skills that require MCP servers bind them through the tools layer, when it is installed.
  runtime.renderPrompt = (path, bindings, owner) => {
    const render = vm.builtins.get("render");
    if (render === undefined) throw runtimeError("summarize_prompt needs the template builtins");
    return display(render.fn([path, bindings], vm.contextFor(owner)) as Value);
  };
  runtime.skillMcp = (target) => {
    try {
      return skillMcpBinder(target);
    } catch {
      return null;
    }
  };
  // An agent loop's own `mcp_servers` connect through the tools layer's MCP host, when installed.
  try {
    runtime.connectMcp = mcpConnector(vm);
  } catch {
    runtime.connectMcp = null;
  }
  attachCallTranscripts(vm);
  registerLoopBuiltins(vm);
  registerSessionBuiltins(vm);
  registerTranscriptBuiltins(vm);
  registerCompactionBuiltins(vm);
  registerProgress(vm);
  registerHitl(vm);
  registerWorkerBuiltins(vm, () => system.env("HARN_WORKER_STATE_DIR") || ".harn/workers");
}
