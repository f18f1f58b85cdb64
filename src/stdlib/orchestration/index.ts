// Orchestration builtins: the event log (`event_log.*`), triggers and
// their dispatcher, the trust graph, checkpoints, waitpoints, monitors,
// flow invariants, run records and artifacts. Everything reaches the
// machine through the injected hosts, so this folder never imports node:*.

import type { DurableFs } from "../../state/durable-fs.ts";
import type { Vm } from "../../vm/vm.ts";
import type { StdlibHost } from "../host-api.ts";
import type { SystemHost } from "../system/host.ts";
import { registerCheckpoints } from "./checkpoints.ts";
import { registerEventLogBuiltins } from "./event-log-builtins.ts";
import { registerFlowInvariants } from "./flow-invariants.ts";
import { registerMonitors } from "./monitors.ts";
import { registerWaitpointModule, registerWaitpoints } from "./waitpoint-builtins.ts";
import { WaitpointStore } from "./waitpoint-store.ts";

export interface OrchestrationHosts {
  /** Files, paths, environment and clock. */
  readonly system: SystemHost;
  readonly stdlib: StdlibHost;
  /** fsync-capable file access for checkpoints and durable event logs. */
  readonly durable: DurableFs;
}

/** Installs the orchestration builtins on `vm`. */
export function registerOrchestration(vm: Vm, hosts: OrchestrationHosts): void {
  const nowMs = (): number => hosts.system.nowMs();
  const nowIso = (): string => new Date(nowMs()).toISOString();
  registerEventLogBuiltins(vm, nowMs);
  registerCheckpoints(vm, hosts.system, hosts.durable);
  registerFlowInvariants(vm);
  const waitpoints = new WaitpointStore(vm, nowIso);
  registerWaitpointModule(vm, waitpoints);
  registerWaitpoints(vm, waitpoints, nowIso);
  registerMonitors(vm, nowMs);
}
