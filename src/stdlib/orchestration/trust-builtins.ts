// Trust-graph builtins: `trust_record(agent, action, approver, outcome,
// tier)` and `trust_graph_record({...})` append a record (inside a trigger
// handler it joins the dispatch's trace), `trust_query(filters)` lists
// records (or groups them by trace), `trust_graph_query(agent, action?)`
// scores an agent, `trust_graph_policy_for(agent)` is the capability
// policy that score allows, and `trust_graph_verify_chain()` checks the
// hash chain.

import { v7 as uuidV7 } from "uuid";
import type { AutonomyTier } from "../../runtime/triggers/binding.ts";
import { parseAutonomyTier } from "../../runtime/triggers/config.ts";
import { dispatchContextOf } from "../../runtime/triggers/dispatch-context.ts";
import { isoAt } from "../../runtime/triggers/event.ts";
import {
  groupByTrace,
  type TrustFilters,
  type TrustGraph,
  TRUST_OUTCOMES,
  type TrustOutcome,
  trustRecordValue,
} from "../../runtime/triggers/trust-graph.ts";
import { toJsonData } from "../../runtime/events/json-data.ts";
import { typeName } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { type BuiltinContext, Dict, HFloat, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

function outcomeOf(v: Value, builtin: string): TrustOutcome {
  if (typeof v !== "string") throw runtimeError(`${builtin}: outcome must be a string, got ${typeName(v)}`);
  if ((TRUST_OUTCOMES as readonly string[]).includes(v)) return v as TrustOutcome;
  throw runtimeError(`${builtin}: unsupported outcome '${v}', expected success|failure|denied|timeout`);
}

function requiredText(args: readonly Value[], i: number, builtin: string, name: string): string {
  const v = args[i];
  if (typeof v === "string") return v;
  if (v === undefined || v === null) throw runtimeError(`${builtin}: missing string argument \`${name}\``);
  throw runtimeError(`${builtin}: argument \`${name}\` must be a string, got ${typeName(v)}`);
}

function optionalText(args: readonly Value[], i: number, builtin: string, name: string): string | null {
  const v = args[i];
  return v === undefined || v === null ? null : requiredText(args, i, builtin, name);
}

function field(d: Dict, key: string, builtin: string): string {
  const v = d.get(key);
  if (typeof v !== "string") throw runtimeError(`${builtin}: missing string field \`${key}\``);
  return v;
}

function optionalField(d: Dict, key: string): string | null {
  const v = d.get(key);
  return typeof v === "string" && v !== "" ? v : null;
}

/** The trace a new record belongs to: the running dispatch's, else a fresh one. */
function traceFor(ctx: BuiltinContext): string {
  return dispatchContextOf(ctx.task)?.traceId ?? `trace-${uuidV7()}`;
}

function filtersOf(v: Value | undefined): { filters: TrustFilters; grouped: boolean } {
  if (v === undefined || v === null) return { filters: {}, grouped: false };
  if (!(v instanceof Dict)) throw runtimeError("trust_query: filters must be a dict");
  const limit = v.get("limit");
  if (limit !== null && typeof limit !== "number")
    throw runtimeError(`trust_query: limit must be an int, got ${typeName(limit)}`);
  if (typeof limit === "number" && limit < 0)
    throw runtimeError(`trust_query: limit must be non-negative, got ${limit}`);
  const grouped = v.get("grouped_by_trace");
  if (grouped !== null && typeof grouped !== "boolean")
    throw runtimeError(`trust_query: grouped_by_trace must be a bool, got ${typeName(grouped)}`);
  const tier = v.get("tier");
  const outcome = v.get("outcome");
  return {
    filters: {
      agent: optionalField(v, "agent"),
      action: optionalField(v, "action"),
      since: optionalField(v, "since"),
      until: optionalField(v, "until"),
      tier: tier === null ? null : parseAutonomyTier(tier, "trust_query"),
      outcome: outcome === null ? null : outcomeOf(outcome, "trust_query"),
      limit: typeof limit === "number" ? limit : null,
    },
    grouped: grouped === true,
  };
}

export function registerTrustBuiltins(vm: Vm, trust: TrustGraph, nowMs: () => number): void {
  const b = vm.registerBuiltin.bind(vm);

  b("trust_record", (args, ctx) => {
    const B = "trust_record";
    const agent = requiredText(args, 0, B, "agent");
    const action = requiredText(args, 1, B, "action");
    const approver = typeof args[2] === "string" && args[2] !== "" ? args[2] : null;
    if (args[3] === undefined) throw runtimeError(`${B}: expected outcome`);
    const outcome = outcomeOf(args[3], B);
    if (args[4] === undefined) throw runtimeError(`${B}: expected autonomy tier`);
    const tier: AutonomyTier = parseAutonomyTier(args[4], B);
    const record = trust.append({
      recordId: uuidV7(),
      agent,
      action,
      approver,
      outcome,
      traceId: traceFor(ctx),
      autonomyTier: tier,
      timestamp: isoAt(nowMs()),
      costUsd: null,
      metadata: new Dict(),
    });
    return trustRecordValue(record);
  });

  b("trust_graph_record", (args, ctx) => {
    const B = "trust_graph_record";
    const d = args[0];
    if (!(d instanceof Dict)) throw runtimeError(`${B}: expected decision dict`);
    const outcome = d.get("outcome");
    if (outcome === null) throw runtimeError(`${B}: missing outcome`);
    const tier = d.get("autonomy_tier") ?? d.get("tier");
    if (tier === null) throw runtimeError(`${B}: missing autonomy_tier`);
    const metadata = d.get("metadata");
    if (metadata !== null && !(metadata instanceof Dict)) throw runtimeError(`${B}: metadata must be a dict`);
    const cost = d.get("cost_usd");
    const record = trust.append({
      recordId: uuidV7(),
      agent: field(d, "agent", B),
      action: field(d, "action", B),
      approver: optionalField(d, "approver"),
      outcome: outcomeOf(outcome, B),
      traceId: optionalField(d, "trace_id") ?? traceFor(ctx),
      autonomyTier: parseAutonomyTier(tier, B),
      timestamp: isoAt(nowMs()),
      costUsd: cost instanceof HFloat ? cost.v : typeof cost === "number" ? cost : null,
      metadata: metadata === null ? new Dict() : (toJsonData(metadata) as Dict),
    });
    return record.recordId;
  });

  b("trust_query", (args) => {
    const { filters, grouped } = filtersOf(args[0]);
    const records = trust.query(filters, "trust_query");
    return grouped ? groupByTrace(records) : records.map((r) => trustRecordValue(r));
  });

  b("trust_graph_query", (args) => {
    const agent = requiredText(args, 0, "trust_graph_query", "agent");
    return trust.score(agent, optionalText(args, 1, "trust_graph_query", "action"));
  });

  b("trust_graph_policy_for", (args) => {
    const agent = requiredText(args, 0, "trust_graph_policy_for", "agent");
    return trust.score(agent, null).get("policy");
  });

  b("trust_graph_verify_chain", () => trust.verify());
}
