// The trigger registry of one VM: every registered binding, by id and
// version. Dynamic bindings come from `trigger_register`; manifest bindings
// are (re)installed as a set, and a changed definition becomes a new
// version while the old one drains: it keeps its in-flight events and
// terminates when the last one finishes. Only the two newest terminated
// versions of an id are kept. Every state change is a `state_transition`
// lifecycle event, so replay can still find which version was live when an
// event arrived after old versions were collected.

import { runtimeError } from "../../vm/errors.ts";
import { Dict } from "../../vm/values.ts";
import type { EventLog } from "../events/event-log.ts";
import { logEvent } from "../events/event-log.ts";
import { type BindingSpec, type BindingState, TriggerBinding } from "./binding.ts";
import { TRIGGERS_LIFECYCLE_TOPIC } from "./topics.ts";

const TERMINATED_RETENTION = 2;

export class TriggerRegistry {
  private readonly versions = new Map<string, TriggerBinding[]>();

  constructor(
    private readonly log: () => EventLog,
    private readonly nowMs: () => number,
  ) {}

  register(spec: BindingSpec): TriggerBinding {
    const existing = this.versions.get(spec.id) ?? [];
    if (existing.some((b) => b.state !== "terminated")) {
      throw runtimeError(`trigger stdlib: duplicate trigger id '${spec.id}'`);
    }
    return this.add(spec, existing);
  }

  /**
   * Makes `specs` the live manifest bindings: unchanged definitions stay,
   * changed ones get a new version while the old version drains, and ids no
   * longer listed drain away.
   */
  installManifest(specs: readonly BindingSpec[]): void {
    const wanted = new Set(specs.map((s) => s.id));
    for (const spec of specs) {
      const existing = this.versions.get(spec.id) ?? [];
      const live = existing.filter((b) => b.state === "active" || b.state === "registering");
      if (live.some((b) => b.spec.fingerprint === spec.fingerprint)) continue;
      for (const old of live) this.retire(old);
      this.add(spec, this.versions.get(spec.id) ?? []);
    }
    for (const [id, list] of this.versions) {
      if (wanted.has(id)) continue;
      for (const b of list) if (b.spec.source === "manifest" && b.state === "active") this.retire(b);
    }
  }

  private add(spec: BindingSpec, existing: readonly TriggerBinding[]): TriggerBinding {
    const version = existing.reduce((n, b) => Math.max(n, b.version), 0) + 1;
    const binding = new TriggerBinding(spec, version);
    this.versions.set(spec.id, [...existing, binding]);
    this.transition(binding, null, "active");
    return binding;
  }

  /** Drains `binding` if it still has work in flight, else terminates it. */
  private retire(binding: TriggerBinding): void {
    if (binding.metrics.inFlight === 0) {
      this.terminate(binding);
      return;
    }
    this.transition(binding, binding.state, "draining");
    binding.onDrained = () => this.terminate(binding);
  }

  private terminate(binding: TriggerBinding): void {
    binding.onDrained = null;
    this.transition(binding, binding.state, "terminated");
    const list = this.versions.get(binding.id) ?? [];
    const terminated = list.filter((b) => b.state === "terminated");
    const drop = new Set(terminated.slice(0, Math.max(0, terminated.length - TERMINATED_RETENTION)));
    this.versions.set(
      binding.id,
      list.filter((b) => !drop.has(b)),
    );
  }

  /** Every binding version, by id then version. */
  all(): TriggerBinding[] {
    return [...this.versions.keys()].sort().flatMap((id) => this.versions.get(id)!);
  }

  /** The live binding of `id`, or a specific version of it. */
  resolve(id: string, version: number | null): TriggerBinding {
    const versions = this.versions.get(id);
    if (!versions) throw runtimeError(`trigger stdlib: unknown trigger id '${id}'`);
    if (version === null) {
      const live = [...versions].reverse().find((b) => b.state === "active");
      if (!live) throw runtimeError(`trigger stdlib: unknown trigger id '${id}'`);
      return live;
    }
    const found = versions.find((b) => b.version === version);
    if (!found) throw runtimeError(`trigger stdlib: unknown trigger binding '${id}' version ${version}`);
    return found;
  }

  /**
   * For replay: the recorded version if it is still kept; else the version
   * that was live when the event was received (from the lifecycle history);
   * else the live one.
   */
  resolveForReplay(id: string, version: number, receivedAtMs: number | null): TriggerBinding {
    const versions = this.versions.get(id) ?? [];
    const kept = versions.find((b) => b.version === version);
    if (kept) return kept;
    if (receivedAtMs !== null) {
      const asOf = this.versionLiveAt(id, receivedAtMs);
      const found = asOf === null ? undefined : versions.find((b) => b.version === asOf);
      if (found) return found;
    }
    return this.resolve(id, null);
  }

  /** The version of `id` whose state at `atMs` was active, per the lifecycle history. */
  versionLiveAt(id: string, atMs: number): number | null {
    const states = new Map<number, string>();
    for (const { event } of this.log().read(TRIGGERS_LIFECYCLE_TOPIC)) {
      const p = event.payload;
      if (event.kind !== "state_transition" || !(p instanceof Dict) || p.get("id") !== id) continue;
      if (event.occurredAtMs > atMs) break;
      const v = p.get("version");
      const to = p.get("to_state");
      if (typeof v === "number" && typeof to === "string") states.set(v, to);
    }
    const active = [...states].filter(([, s]) => s === "active").map(([v]) => v);
    return active.length === 0 ? null : Math.max(...active);
  }

  private transition(binding: TriggerBinding, from: BindingState | null, to: BindingState): void {
    binding.state = to;
    const payload = Dict.of({
      id: binding.id,
      binding_key: binding.key,
      version: binding.version,
      provider: binding.spec.provider,
      kind: binding.spec.kind,
      source: binding.spec.source,
      handler_kind: "local",
      definition_fingerprint: binding.spec.fingerprint,
      from_state: from,
      to_state: to,
    });
    const headers = new Map([
      ["trigger_id", binding.id],
      ["binding_key", binding.key],
    ]);
    this.log().append(TRIGGERS_LIFECYCLE_TOPIC, logEvent("state_transition", payload, this.nowMs(), headers));
  }
}
