// Durable and project state for Harn programs: agent state (seed 003),
// the key-value store, the project metadata store, durable memory, and
// project scanning and enrichment. Everything reaches the machine through
// the injected hosts, so this folder never imports node:*.

import { v7 as uuidV7 } from "uuid";
import type { DurableStateBackend } from "../../state/backend.ts";
import type { DurableFs } from "../../state/durable-fs.ts";
import { FilesystemBackend } from "../../state/filesystem-backend.ts";
import type { Vm } from "../../vm/vm.ts";
import type { StdlibHost } from "../host-api.ts";
import type { SystemHost } from "../system/host.ts";
import { registerAgentState } from "./agent-state.ts";
import { registerMemory } from "./memory.ts";
import { registerMetadata } from "./metadata.ts";
import { registerProject } from "./project.ts";
import { registerProjectEnrich } from "./project-enrich.ts";
import { registerScanDirectory } from "./scan-directory.ts";
import { registerStore } from "./store.ts";

export interface StateHosts {
  /** Files, paths, environment and clock. */
  readonly system: SystemHost;
  /** What template rendering needs (project_enrich renders its prompt). */
  readonly stdlib: StdlibHost;
  /** fsync-capable file access for crash-safe writes. */
  readonly durable: DurableFs;
  /** Agent-state storage; the filesystem backend over `durable` by default. */
  readonly backend?: DurableStateBackend;
}

/** Installs the state builtins (`__agent_state_*`, `store_*`, `metadata_*`, `__memory_*`, `project_*`, ...). */
export function registerStateStdlib(vm: Vm, hosts: StateHosts): void {
  const { system, durable } = hosts;
  const backend =
    hosts.backend ?? new FilesystemBackend(durable, { now: () => system.nowMs(), uniqueId: uuidV7 });
  registerAgentState(vm, system, backend);
  registerStore(vm, system, durable);
  registerMetadata(vm, system, durable);
  registerScanDirectory(vm, system);
  registerMemory(vm, system, durable);
  registerProject(vm, system);
  registerProjectEnrich(vm, system, hosts.stdlib, durable);
}
