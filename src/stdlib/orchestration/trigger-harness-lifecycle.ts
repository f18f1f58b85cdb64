// Harness scenarios for the lifecycle around dispatch: manifest hot reload
// with draining, replay after old binding versions were collected, crash
// recovery from a durable log, the dead-man switch and tenant isolation.

import { MemoryEventLog, logEvent } from "../../runtime/events/event-log.ts";
import { TenantEventLog } from "../../runtime/events/tenant-log.ts";
import { TopicError } from "../../runtime/events/topic.ts";
import { DeadManSwitch } from "../../runtime/triggers/dead-man.ts";
import { normalizeTriggerEvent, rfc3339 } from "../../runtime/triggers/event.ts";
import { TriggerRegistry } from "../../runtime/triggers/registry.ts";
import { FileEventLog } from "../../state/event-log-file.ts";
import { MemoryDurableFs } from "../../state/memory-durable-fs.ts";
import { Dict } from "../../vm/values.ts";
import { parseJson } from "../data/json-codec.ts";
import { harnessSpec, nativeHandler } from "./trigger-harness-dispatch.ts";
import { emittedEvent, type HarnessContext, type Scenario } from "./trigger-harness.ts";

function manifestSpec(id: string, revision: string) {
  // The handler name carries the revision, so each revision is a new definition.
  return harnessSpec(
    id,
    nativeHandler(`on_tick_${revision}`, () => revision),
    { source: "manifest", kind: "tick" },
  );
}

const hotReload: Scenario = (h) => {
  const log = new MemoryEventLog();
  const registry = new TriggerRegistry(
    () => log,
    () => h.clock.nowMs(),
  );
  registry.installManifest([manifestSpec("reload.fixture", "v1")]);
  const v1 = registry.resolve("reload.fixture", 1);
  v1.begin(h.clock.nowMs());
  registry.installManifest([manifestSpec("reload.fixture", "v2")]);
  const during = registry.all().map((b) => `${b.version}:${b.state}`);
  v1.finish("dispatched");
  const after = registry.all();
  const states = after.map((b) => `${b.version}:${b.state}`);
  return {
    ok: during.join(",") === "1:draining,2:active" && states.join(",") === "1:terminated,2:active",
    summary: "manifest hot-reload keeps the old binding draining until in-flight work completes",
    bindings: after.map((b) => b.snapshot()),
    details: Dict.of({ during }),
  };
};

const gcFallback: Scenario = (h) => {
  const log = new MemoryEventLog();
  const registry = new TriggerRegistry(
    () => log,
    () => h.clock.nowMs(),
  );
  for (const revision of ["v1", "v2", "v3"]) {
    registry.installManifest([manifestSpec("replay.gc.fixture", revision)]);
    h.clock.advance(1_000);
  }
  const receivedAt = h.clock.nowMs();
  h.clock.advance(1_000);
  registry.installManifest([manifestSpec("replay.gc.fixture", "v4")]);
  const kept = registry.all().map((b) => b.version);
  const resolved = registry.resolveForReplay("replay.gc.fixture", 1, receivedAt).version;
  return {
    ok: !kept.includes(1) && resolved === 3,
    summary: "replay falls back to lifecycle-history binding selection after old versions are GC'd",
    details: Dict.of({
      trigger_id: "replay.gc.fixture",
      recorded_version: 1,
      received_at: rfc3339(receivedAt),
      resolved_version: resolved,
      kept_versions: kept,
    }),
  };
};

const IN_FLIGHT_TOPIC = "triggers.harness.inflight";

/** Events whose newest in-flight record is still "started". */
function pendingInFlight(log: FileEventLog): Dict[] {
  const latest = new Map<string, Dict>();
  for (const { event } of log.read(IN_FLIGHT_TOPIC)) {
    if (event.payload instanceof Dict) latest.set(String(event.payload.get("event_id")), event.payload);
  }
  return [...latest.values()].filter((r) => r.get("status") === "started");
}

const crashRecovery: Scenario = (h: HarnessContext) => {
  const disk = new MemoryDurableFs();
  const dir = "/harness/events";
  const event = normalizeTriggerEvent(
    Dict.of({ provider: "webhook", kind: "recovery.event", dedupe_key: "recover-key" }),
    h.clock,
  );
  const record = (status: string) =>
    Dict.of({
      event_id: event.get("id"),
      binding_id: "recovery.fixture",
      provider: "webhook",
      kind: "recovery.event",
      dedupe_key: "recover-key",
      status,
    });
  // The first process records that it started the event, then dies.
  new FileEventLog(disk, dir, parseJson).append(
    IN_FLIGHT_TOPIC,
    logEvent("in_flight", record("started"), h.clock.nowMs()),
  );
  // A new process opens the same log and finishes what was left.
  const reopened = new FileEventLog(disk, dir, parseJson);
  const pending = pendingInFlight(reopened);
  const emitted = pending.map((p) => {
    reopened.append(
      IN_FLIGHT_TOPIC,
      logEvent("in_flight", p.with("status", "acknowledged"), h.clock.nowMs()),
    );
    return emittedEvent("recovery.fixture", 1, event, "recovered", String(p.get("event_id")));
  });
  return {
    ok:
      pending.length === 1 &&
      emitted.length === 1 &&
      pendingInFlight(new FileEventLog(disk, dir, parseJson)).length === 0,
    summary: "restarted dispatcher replays unfinished events from durable in-flight state",
    emitted,
    details: Dict.of({ recovered_event_ids: pending.map((p) => p.get("event_id")) }),
  };
};

const deadMan: Scenario = (h) => {
  const monitor = new DeadManSwitch();
  monitor.watch("deadman.fixture", 5 * 60_000, h.clock.nowMs());
  monitor.watch("chatty.fixture", 5 * 60_000, h.clock.nowMs());
  const alerts: Dict[] = [];
  for (let minute = 1; minute <= 5; minute++) {
    h.clock.advance(60_000);
    monitor.observe("chatty.fixture", h.clock.nowMs());
    for (const a of monitor.check(h.clock.nowMs())) {
      alerts.push(
        Dict.of({
          kind: "dead_man_switch",
          binding_id: a.bindingId,
          at: rfc3339(a.atMs),
          message: a.message,
        }),
      );
    }
  }
  return {
    ok: alerts.length === 1 && alerts[0]?.get("binding_id") === "deadman.fixture",
    summary: "silent bindings trip the dead-man switch and surface an alert",
    alerts,
    details: Dict.of({ silent_for_ms: h.clock.elapsedMs() }),
  };
};

const tenants: Scenario = (h) => {
  const shared = new MemoryEventLog();
  const a = new TenantEventLog(shared, "tenant-a");
  const b = new TenantEventLog(shared, "tenant-b");
  const eventFor = (tenant: string) =>
    normalizeTriggerEvent(
      Dict.of({ provider: "webhook", kind: "tenant.event", dedupe_key: tenant, tenant_id: tenant }),
      h.clock,
    );
  const ea = eventFor("tenant-a");
  const eb = eventFor("tenant-b");
  a.append("trigger.outbox", logEvent("tenant.event", ea, h.clock.nowMs()));
  b.append("trigger.outbox", logEvent("tenant.event", eb, h.clock.nowMs()));
  let denied = false;
  try {
    a.append(b.scoped("trigger.outbox"), logEvent("tenant.event", eb, h.clock.nowMs()));
  } catch (e) {
    denied = e instanceof TopicError;
  }
  const seenByA = a.read("trigger.outbox");
  const seenByB = b.read("trigger.outbox");
  const leak = seenByA.some((r) => (r.event.payload as Dict).get("tenant_id") !== "tenant-a");
  return {
    ok: seenByA.length === 1 && seenByB.length === 1 && denied && !leak,
    summary: "tenant-scoped event logs keep tenant trigger envelopes on isolated topics",
    emitted: [
      emittedEvent("tenant.fixture", 1, ea, "tenant_a"),
      emittedEvent("tenant.fixture", 1, eb, "tenant_b"),
    ],
    details: Dict.of({
      cross_tenant_leak: leak,
      cross_tenant_denied: denied,
      tenant_a_events: seenByA.length,
      tenant_b_events: seenByB.length,
    }),
  };
};

export const LIFECYCLE_SCENARIOS: ReadonlyArray<readonly [string, Scenario]> = [
  ["manifest_hot_reload_preserves_in_flight", hotReload],
  ["replay_binding_gc_fallback", gcFallback],
  ["crash_recovery_replays_in_flight_events", crashRecovery],
  ["dead_man_switch_alerts_on_silent_binding", deadMan],
  ["multi_tenant_isolation_stub", tenants],
];
