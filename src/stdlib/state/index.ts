// Durable and project state for Harn programs: agent state (seed 003),
// the key-value store, the project metadata store, durable memory, and
// project scanning. Everything reaches the machine through the injected
// SystemHost and DurableFs, so this folder never imports node:*.

import { FilesystemBackend } from "../../state/filesystem-backend.ts";
import type { DurableFs } from "../../state/durable-fs.ts";
import type { DurableStateBackend } from "../../state/backend.ts";
import { v7 as uuidV7 } from "uuid";
import type { Vm } from "../../vm/vm.ts";
import type { SystemHost } from "../system/host.ts";
import { registerAgentState } from "./agent-state.ts";
import { registerMemory } from "./memory.ts";
import { registerMetadata } from "./metadata.ts";
import { registerProject } from "./project.ts";
import { registerScanDirectory } from "./scan-directory.ts";
import { registerStore } from "./store.ts";

export interface StateSetup {
  /** Agent-state storage; the filesystem backend over `durable` by default. */
  readonly backend?: DurableStateBackend;
}

/** Installs the state builtins (`__agent_state_*`, `store_*`, `metadata_*`, `scan_directory`, ...). */
export function registerStateStdlib(
  vm: Vm,
  host: SystemHost,
  durable: DurableFs,
  setup: StateSetup = {},
): void {
  const backend =
    setup.backend ?? new FilesystemBackend(durable, { now: () => host.nowMs(), uniqueId: uuidV7 });
  registerAgentState(vm, host, backend);
  registerStore(vm, host, durable);
  registerMetadata(vm, host, durable);
  registerScanDirectory(vm, host);
  registerMemory(vm, host, durable);
  registerProject(vm, host);
}
