// Orchestration builtins: the event log (`event_log.*`), triggers and
// their dispatcher, the trust graph, checkpoints, waitpoints, monitors,
// flow invariants, run records and artifacts. Everything reaches the
// machine through the injected hosts, so this folder never imports node:*.

import { v7 as uuidV7 } from "uuid";
import type { UsageProbe } from "../../runtime/triggers/predicate.ts";
import { TriggerService } from "../../runtime/triggers/service.ts";
import { llmStateOf } from "../../llm/state.ts";
import type { DurableFs } from "../../state/durable-fs.ts";
import { FileEventLog } from "../../state/event-log-file.ts";
import { installEventLog } from "../../runtime/events/active-log.ts";
import { parseJson } from "../data/json-codec.ts";
import { joinPath, resolveAgainst } from "../system/path-text.ts";
import type { Vm } from "../../vm/vm.ts";
import type { StdlibHost } from "../host-api.ts";
import type { SystemHost } from "../system/host.ts";
import { registerArtifactBuiltins } from "./artifact-builtins.ts";
import type { RecordEnv } from "./artifacts.ts";
import { registerCheckpoints } from "./checkpoints.ts";
import { registerRecordBuiltins } from "./record-builtins.ts";
import { registerEventLogBuiltins } from "./event-log-builtins.ts";
import { registerFlowInvariants } from "./flow-invariants.ts";
import { registerFrictionBuiltins } from "./friction-builtins.ts";
import { registerMonitors } from "./monitors.ts";
import { registerTriggerBuiltins } from "./trigger-builtins.ts";
import { runHarness, type Scenario } from "./trigger-harness.ts";
import { DISPATCH_SCENARIOS } from "./trigger-harness-dispatch.ts";
import { INGRESS_SCENARIOS } from "./trigger-harness-ingress.ts";
import { LIFECYCLE_SCENARIOS } from "./trigger-harness-lifecycle.ts";
import { registerTrustBuiltins } from "./trust-builtins.ts";
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
  installConfiguredEventLog(vm, hosts);
  const nowIso = (): string => new Date(nowMs()).toISOString();
  registerEventLogBuiltins(vm, nowMs);
  registerCheckpoints(vm, hosts.system, hosts.durable);
  registerFlowInvariants(vm);
  const waitpoints = new WaitpointStore(vm, nowIso);
  registerWaitpointModule(vm, waitpoints);
  registerWaitpoints(vm, waitpoints, nowIso);
  registerMonitors(vm, nowMs);
  const triggers = new TriggerService({
    vm,
    clock: { nowMs, uuid: uuidV7 },
    usage: llmUsage(vm),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
  registerTriggerBuiltins(vm, triggers, uuidV7);
  registerTrustBuiltins(vm, triggers.trust, nowMs);
  const scenarios = new Map<string, Scenario>([
    ...INGRESS_SCENARIOS,
    ...DISPATCH_SCENARIOS,
    ...LIFECYCLE_SCENARIOS,
  ]);
  vm.registerBuiltin("trigger_test_harness", (args, ctx) =>
    runHarness(args[0], scenarios, { realNowMs: nowMs, vm, caller: ctx.task }),
  );
  const records: RecordEnv = {
    uuid: uuidV7,
    nowSecs: () => String(Math.floor(nowMs() / 1000)),
    // Sidecars of persisted runs, for the run observability summary.
    files: {
      exists: (path) => readQuietly(hosts.durable, path) !== null,
      readText: (path) => readQuietly(hosts.durable, path),
    },
  };
  registerArtifactBuiltins(vm, records);
  registerRecordBuiltins(vm, records, hosts.system, hosts.durable);
  registerFrictionBuiltins(vm, records, hosts.system, hosts.durable);
}

/**
 * `HARN_EVENT_LOG_BACKEND=file` keeps the event log in `$HARN_EVENT_LOG_DIR`
 * (default `.harn/events` under the working directory) so triggers, the DLQ
 * and the trust graph outlive the process; the default is in memory.
 */
function installConfiguredEventLog(vm: Vm, hosts: OrchestrationHosts): void {
  const backend = hosts.system.env("HARN_EVENT_LOG_BACKEND")?.trim() ?? "";
  if (backend === "" || backend === "memory") return;
  if (backend !== "file") {
    vm.writeError(
      `warning: unsupported event log backend '${backend}' (expected memory or file); using memory\n`,
    );
    return;
  }
  const configured = hosts.system.env("HARN_EVENT_LOG_DIR")?.trim() ?? "";
  const cwd = hosts.system.cwd();
  const dir = configured === "" ? joinPath(cwd, ".harn/events") : resolveAgainst(cwd, configured);
  installEventLog(vm, new FileEventLog(hosts.durable, dir, parseJson));
}

/** A sidecar's text, or null when it is missing or unreadable (sidecars are optional). */
function readQuietly(fs: DurableFs, path: string): string | null {
  try {
    return fs.readText(path);
  } catch {
    return null;
  }
}

/** Model usage of the VM so far, for predicate budgets (zero when the LLM layer is not installed). */
function llmUsage(vm: Vm): UsageProbe {
  return {
    read() {
      try {
        const state = llmStateOf(vm);
        const u = state.usage;
        return { tokens: u.inputTokens + u.outputTokens, costUsd: state.spentUsd, calls: u.calls };
      } catch {
        return { tokens: 0, costUsd: 0, calls: 0 };
      }
    },
  };
}
