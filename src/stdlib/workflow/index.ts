// Installs the workflow runtime (spec: "Workflows"): graph builtins,
// workflow_execute and its stages, workflow messages, action-graph and
// context assembly support, delegated workers and daemons.

import type { Vm } from "../../vm/vm.ts";
import type { SystemHost } from "../system/host.ts";
import { v7 as uuidV7 } from "uuid";
import type { RecordEnv } from "../orchestration/artifacts.ts";
import { registerActionGraphBuiltins } from "./action-flow.ts";
import { registerAssemble } from "./assemble-stage.ts";
import { registerExecuteBuiltin } from "./execute-builtins.ts";
import { registerDaemons } from "./daemons.ts";
import { registerGraphBuiltins } from "./graph-builtins.ts";
import { registerWorkflowMessages } from "./messages.ts";
import { registerPlanBuiltins } from "./plan-builtins.ts";
import { delegatedStage, registerWorkflowWorkers } from "./workers.ts";

/** What the workflow runtime reaches the machine through (files, processes, environment, clock). */
export interface WorkflowHosts {
  readonly system: SystemHost;
}

/** Installs the workflow builtins; registerAgents and registerOrchestration must already be installed. */
export function registerWorkflows(vm: Vm, hosts: WorkflowHosts): void {
  const records: RecordEnv = {
    uuid: uuidV7,
    nowSecs: () => String(Math.floor(hosts.system.nowMs() / 1000)),
  };
  registerGraphBuiltins(vm);
  registerActionGraphBuiltins(vm);
  registerAssemble(vm, records);
  registerWorkflowMessages(vm, hosts.system);
  registerPlanBuiltins(vm);
  registerDaemons(vm, hosts.system);
  const delegate = delegatedStage(records);
  registerExecuteBuiltin(vm, hosts.system, records, delegate);
  registerWorkflowWorkers(vm, hosts.system, records, delegate);
}
