// Which event log a VM records into. The reference keeps one active log per
// thread and falls back to an in-memory log on first use; one VM is our unit
// of isolation, so the log hangs off the VM (a WeakMap, like the LLM
// state), and an embedder or the CLI may install a durable one first.

import type { Vm } from "../../vm/vm.ts";
import { type EventLog, MemoryEventLog } from "./event-log.ts";

const logs = new WeakMap<Vm, EventLog>();

/** The VM's event log, creating an in-memory one on first use. */
export function eventLogOf(vm: Vm): EventLog {
  let log = logs.get(vm);
  if (!log) {
    log = new MemoryEventLog();
    logs.set(vm, log);
  }
  return log;
}

/** Makes `log` the VM's event log (before the program records anything). */
export function installEventLog(vm: Vm, log: EventLog): void {
  logs.set(vm, log);
}
