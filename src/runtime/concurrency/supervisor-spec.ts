// Reading a `supervisor_start` spec (spec "Supervisor trees"): strategy,
// children and their restart policies with the reference's defaults and
// aliases, durations given as ms, durations or strings like "250ms"/"1s",
// and the restart delay (exponential backoff, capped, plus deterministic
// jitter, so restarts are reproducible run to run).

import { display, typeName } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Closure, Dict, Duration, HFloat, type Value } from "../../vm/values.ts";

export type RestartMode = "never" | "on_failure" | "always";
export type Strategy = "one_for_one" | "one_for_all" | "rest_for_one" | "escalate_to_parent";

export interface RestartPolicy {
  readonly mode: RestartMode;
  readonly maxRestarts: number | null;
  readonly windowMs: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  readonly factor: number;
  readonly jitterMs: number;
  readonly circuitOpenMs: number | null;
}

export interface ChildSpec {
  readonly name: string;
  readonly kind: string;
  readonly task: Closure;
  readonly restart: RestartPolicy;
  readonly activeLease: string | null;
}

export interface SupervisorSpec {
  readonly id: string | null;
  readonly name: string | null;
  readonly strategy: Strategy;
  readonly shutdownMs: number;
  readonly children: ChildSpec[];
}

/** Milliseconds from an int, float, duration or "<n>[ms|s|m|h]" string; null otherwise. */
export function durationMs(v: Value | undefined): number | null {
  if (v instanceof Duration) return Math.max(0, v.ms);
  if (typeof v === "number") return Math.max(0, v);
  if (typeof v === "bigint") return Math.max(0, Number(v));
  if (v instanceof HFloat) return Number.isNaN(v.v) ? 0 : Math.max(0, Math.trunc(v.v));
  if (typeof v === "string") return parseDurationText(v);
  return null;
}

const UNIT_MS: Record<string, number> = { "": 1, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function parseDurationText(text: string): number | null {
  const m = /^(\d+)\s*(\S*)$/.exec(text.trim());
  if (!m) return null;
  const unit = UNIT_MS[m[2]!];
  return unit === undefined ? null : Number(m[1]) * unit;
}

function normalize(text: string): string {
  return text.trim().toLowerCase().replace(/[- ]/g, "_");
}

/** A non-empty displayed field, or null. */
function nonEmpty(d: Dict, field: string): string | null {
  const v = d.map.get(field);
  if (v === undefined) return null;
  const text = display(v);
  return text === "" ? null : text;
}

function first(d: Dict, ...fields: string[]): Value | undefined {
  for (const f of fields) {
    const v = d.map.get(f);
    if (v !== undefined) return v;
  }
  return undefined;
}

function parseRestartMode(text: string): RestartMode {
  const mode = normalize(text);
  if (mode === "never") return "never";
  if (mode === "on_failure" || mode === "onfailure" || mode === "failure") return "on_failure";
  if (mode === "always") return "always";
  throw runtimeError(`supervisor_start: unknown restart mode '${mode}'`);
}

export function parseStrategy(v: Value | undefined): Strategy {
  if (v === undefined) return "one_for_one";
  const s = normalize(display(v));
  if (s === "one_for_one" || s === "oneforone") return "one_for_one";
  if (s === "one_for_all" || s === "oneforall") return "one_for_all";
  if (s === "rest_for_one" || s === "restforone") return "rest_for_one";
  if (s === "escalate_to_parent" || s === "escalate") return "escalate_to_parent";
  throw runtimeError(`supervisor_start: unknown strategy '${s}'`);
}

export function parseRestartPolicy(v: Value | undefined): RestartPolicy {
  const policy = {
    mode: "on_failure" as RestartMode,
    maxRestarts: null as number | null,
    windowMs: 60_000,
    backoffMs: 0,
    maxBackoffMs: 30_000,
    factor: 2,
    jitterMs: 0,
    circuitOpenMs: null as number | null,
  };
  if (v === undefined || v === null) return policy;
  if (typeof v === "string") return { ...policy, mode: parseRestartMode(v) };
  if (!(v instanceof Dict)) {
    throw runtimeError(`supervisor_start: restart policy must be a string or dict, got ${typeName(v)}`);
  }
  const mode = first(v, "mode", "policy");
  if (mode !== undefined) policy.mode = parseRestartMode(display(mode));
  const max = first(v, "max_restarts", "max");
  if (typeof max === "number" || typeof max === "bigint") policy.maxRestarts = Math.max(0, Number(max));
  policy.windowMs = durationMs(first(v, "window_ms", "window")) ?? policy.windowMs;
  policy.backoffMs = durationMs(first(v, "backoff_ms", "backoff", "initial_backoff_ms")) ?? policy.backoffMs;
  policy.maxBackoffMs = durationMs(first(v, "max_backoff_ms", "max_backoff")) ?? policy.maxBackoffMs;
  const factor = first(v, "factor", "backoff_factor");
  const f = factor instanceof HFloat ? factor.v : typeof factor === "number" ? factor : policy.factor;
  policy.factor = Math.max(1, f);
  policy.jitterMs = durationMs(first(v, "jitter_ms", "jitter")) ?? policy.jitterMs;
  policy.circuitOpenMs = durationMs(first(v, "circuit_open_ms", "circuit_open"));
  return policy;
}

function parseChildren(v: Value | undefined, defaultRestart: Value | undefined): ChildSpec[] {
  if (!Array.isArray(v)) throw runtimeError("supervisor_start: children must be a list");
  return v.map((item, i) => {
    if (!(item instanceof Dict)) throw runtimeError("supervisor_start child: expected a dict");
    const name = nonEmpty(item, "name") ?? `child_${i}`;
    const task = first(item, "task", "handler");
    if (!(task instanceof Closure)) {
      throw runtimeError(`supervisor_start: child '${name}' requires a task closure`);
    }
    const lease = first(item, "active_lease", "lease");
    const leaseText = lease === undefined ? "" : display(lease);
    return {
      name,
      kind: nonEmpty(item, "kind") ?? "task",
      task,
      restart: parseRestartPolicy(item.map.get("restart") ?? defaultRestart),
      activeLease: leaseText === "" ? null : leaseText,
    };
  });
}

export function parseSupervisorSpec(v: Value | undefined): SupervisorSpec {
  if (v === undefined) throw runtimeError("supervisor_start: spec is required");
  if (!(v instanceof Dict)) throw runtimeError("supervisor_start: expected a dict");
  const strategy = parseStrategy(v.map.get("strategy"));
  const shutdownMs = durationMs(first(v, "shutdown_ms", "drain_ms")) ?? 5000;
  const children = parseChildren(v.map.get("children"), v.map.get("restart"));
  if (children.length === 0) {
    throw runtimeError("supervisor_start: children must include at least one child");
  }
  return { id: nonEmpty(v, "id"), name: nonEmpty(v, "name"), strategy, shutdownMs, children };
}

/** Backoff before restart number `restartCount + 1` of the child at `childIndex`. */
export function restartDelayMs(policy: RestartPolicy, restartCount: number, childIndex: number): number {
  const base = policy.backoffMs === 0 ? 0 : Math.round(policy.backoffMs * policy.factor ** restartCount);
  const capped = Math.min(base, Math.max(policy.maxBackoffMs, policy.backoffMs));
  if (policy.jitterMs === 0) return capped;
  return capped + (((childIndex + 1) * 1103 + restartCount * 9176) % (policy.jitterMs + 1));
}
