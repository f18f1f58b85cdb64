// The trigger registry of one VM: every registered binding, by id and
// version. Registration records a `state_transition` lifecycle event, so
// the log shows which definition (fingerprint) was live when an event
// arrived; replay resolves the version an event was recorded against.

import { runtimeError } from "../../vm/errors.ts";
import { Dict } from "../../vm/values.ts";
import type { EventLog } from "../events/event-log.ts";
import { logEvent } from "../events/event-log.ts";
import { type BindingSpec, type BindingState, TriggerBinding } from "./binding.ts";
import { TRIGGERS_LIFECYCLE_TOPIC } from "./topics.ts";

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
    const binding = new TriggerBinding(spec, existing.length + 1);
    this.versions.set(spec.id, [...existing, binding]);
    this.transition(binding, null, "active");
    return binding;
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
      const live = [...versions].reverse().find((b) => b.state !== "terminated");
      if (!live) throw runtimeError(`trigger stdlib: unknown trigger id '${id}'`);
      return live;
    }
    const found = versions.find((b) => b.version === version);
    if (!found) throw runtimeError(`trigger stdlib: unknown trigger binding '${id}' version ${version}`);
    return found;
  }

  /** For replay: the recorded version if it still exists, else the live one. */
  resolveForReplay(id: string, version: number): TriggerBinding {
    const versions = this.versions.get(id) ?? [];
    return versions.find((b) => b.version === version) ?? this.resolve(id, null);
  }

  private transition(binding: TriggerBinding, from: BindingState | null, to: BindingState): void {
    binding.state = to;
    const payload = Dict.of({
      id: binding.id,
      binding_key: binding.key,
      version: binding.version,
      provider: binding.spec.provider,
      kind: binding.spec.kind,
      source: "dynamic",
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
