// The trust graph (OpenTrustGraph v0): one record per decision an agent
// took — agent, action, approver, outcome, autonomy tier, trace — kept in
// the event log under `trust_graph` (every record) and
// `trust_graph.<agent>`. Records form a hash chain: each carries its index,
// the previous record's hash and its own SHA-256 over its canonical JSON,
// so `verify()` detects an edited or dropped record. Scores summarise an
// agent's history; the policy derived from a score is the capability
// ceiling its autonomy tier allows, narrowed to read-only after a bad
// outcome or a poor success rate. Promotions and demotions are records too
// (`trust.promote` / `trust.demote`), which is how an agent's effective tier
// changes.

import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, HFloat, type Value } from "../../vm/values.ts";
import type { EventLog } from "../events/event-log.ts";
import { canonicalJson } from "../events/json-data.ts";
import { logEvent } from "../events/event-log.ts";
import { sanitizeTopicComponent } from "../events/topic.ts";
import { CapabilityPolicy } from "../policy/capability-policy.ts";
import type { AutonomyTier } from "./binding.ts";

export const TRUST_SCHEMA = "opentrustgraph/v0";
const GLOBAL_TOPIC = "trust_graph";
const RECORD_KIND = "trust_recorded";

export type TrustOutcome = "success" | "failure" | "denied" | "timeout";
export const TRUST_OUTCOMES: readonly TrustOutcome[] = ["success", "failure", "denied", "timeout"];

export interface TrustRecord {
  readonly schema: string;
  readonly recordId: string;
  readonly agent: string;
  readonly action: string;
  readonly approver: string | null;
  readonly outcome: TrustOutcome;
  readonly traceId: string;
  readonly autonomyTier: AutonomyTier;
  readonly timestamp: string;
  readonly costUsd: number | null;
  readonly chainIndex: number;
  readonly previousHash: string | null;
  readonly entryHash: string;
  readonly metadata: Dict;
}

export type NewTrustRecord = Omit<TrustRecord, "schema" | "chainIndex" | "previousHash" | "entryHash">;

export interface TrustFilters {
  readonly agent?: string | null;
  readonly action?: string | null;
  readonly since?: string | null;
  readonly until?: string | null;
  readonly tier?: AutonomyTier | null;
  readonly outcome?: TrustOutcome | null;
  readonly limit?: number | null;
}

function agentTopic(agent: string): string {
  return `${GLOBAL_TOPIC}.${sanitizeTopicComponent(agent)}`;
}

/** The record as a Harn dict; `withHash` false leaves out entry_hash (what the hash covers). */
export function trustRecordValue(r: TrustRecord, withHash = true): Dict {
  const fields: Record<string, Value> = {
    schema: r.schema,
    record_id: r.recordId,
    agent: r.agent,
    action: r.action,
    approver: r.approver,
    outcome: r.outcome,
    trace_id: r.traceId,
    autonomy_tier: r.autonomyTier,
    timestamp: r.timestamp,
    cost_usd: r.costUsd === null ? null : new HFloat(r.costUsd),
    chain_index: r.chainIndex,
    previous_hash: r.previousHash,
    metadata: r.metadata,
  };
  if (withHash) fields.entry_hash = r.entryHash;
  return Dict.of(fields);
}

function str(d: Dict, key: string): string | null {
  const v = d.get(key);
  return typeof v === "string" ? v : null;
}

function fromValue(d: Dict): TrustRecord | null {
  const outcome = str(d, "outcome");
  const tier = str(d, "autonomy_tier");
  const agent = str(d, "agent");
  const action = str(d, "action");
  if (agent === null || action === null || outcome === null || tier === null) return null;
  const cost = d.get("cost_usd");
  const index = d.get("chain_index");
  const metadata = d.get("metadata");
  return {
    schema: str(d, "schema") ?? TRUST_SCHEMA,
    recordId: str(d, "record_id") ?? "",
    agent,
    action,
    approver: str(d, "approver"),
    outcome: outcome as TrustOutcome,
    traceId: str(d, "trace_id") ?? "",
    autonomyTier: tier as AutonomyTier,
    timestamp: str(d, "timestamp") ?? "",
    costUsd: cost instanceof HFloat ? cost.v : typeof cost === "number" ? cost : null,
    chainIndex: typeof index === "number" ? index : 0,
    previousHash: str(d, "previous_hash"),
    entryHash: str(d, "entry_hash") ?? "",
    metadata: metadata instanceof Dict ? metadata : new Dict(),
  };
}

/** `sha256:<hex>` over the canonical (sorted-key, compact) JSON of the record without its hash. */
export function trustRecordHash(r: TrustRecord): string {
  const canonical = canonicalJson(trustRecordValue(r, false));
  return `sha256:${bytesToHex(sha256(new TextEncoder().encode(canonical)))}`;
}

/** The policy an autonomy tier allows. */
export function policyForTier(tier: AutonomyTier): CapabilityPolicy {
  const level = tier === "shadow" ? "none" : tier === "act_auto" ? "network" : "read_only";
  return new CapabilityPolicy([], new Map(), [], level, tier === "shadow" ? 0 : null);
}

/** Parses an RFC 3339 timestamp or unix seconds / milliseconds into epoch ms. */
export function parseQueryTime(builtin: string, field: string, raw: string): number {
  if (/^-?\d+$/.test(raw)) return raw.length > 10 ? Number(raw) : Number(raw) * 1000;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(raw)) {
    throw runtimeError(
      `${builtin}: invalid \`${field}\` timestamp '${raw}', expected RFC3339 or unix seconds/milliseconds`,
    );
  }
  return ms;
}

export class TrustGraph {
  constructor(private readonly log: () => EventLog) {}

  private read(topic: string): { id: number; record: TrustRecord }[] {
    const seen = new Set<string>();
    const out: { id: number; record: TrustRecord }[] = [];
    for (const { id, event } of this.log().read(topic)) {
      if (event.kind !== RECORD_KIND || !(event.payload instanceof Dict)) continue;
      const record = fromValue(event.payload);
      if (record === null) continue;
      const key = record.entryHash || record.recordId;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ id, record });
    }
    return out;
  }

  /** Chains, hashes and stores a record; returns it as stored. */
  append(partial: NewTrustRecord): TrustRecord {
    const chain = this.read(GLOBAL_TOPIC);
    const last = chain[chain.length - 1]?.record;
    const unhashed: TrustRecord = {
      ...partial,
      schema: TRUST_SCHEMA,
      chainIndex: last ? Math.max(last.chainIndex + 1, 1) : 1,
      previousHash: last ? last.entryHash || trustRecordHash(last) : null,
      entryHash: "",
    };
    const record = { ...unhashed, entryHash: trustRecordHash(unhashed) };
    const headers = new Map([
      ["trace_id", record.traceId],
      ["agent", record.agent],
      ["autonomy_tier", record.autonomyTier],
      ["outcome", record.outcome],
      ["entry_hash", record.entryHash],
    ]);
    const event = logEvent(RECORD_KIND, trustRecordValue(record), Date.parse(record.timestamp), headers);
    this.log().append(GLOBAL_TOPIC, event);
    this.log().append(agentTopic(record.agent), event);
    return record;
  }

  query(f: TrustFilters, builtin: string): TrustRecord[] {
    const since = f.since ? parseQueryTime(builtin, "since", f.since) : null;
    const until = f.until ? parseQueryTime(builtin, "until", f.until) : null;
    const topic = f.agent ? agentTopic(f.agent) : GLOBAL_TOPIC;
    const records = this.read(topic)
      .map((x) => x.record)
      .filter((r) => {
        const at = Date.parse(r.timestamp);
        return (
          (!f.agent || r.agent === f.agent) &&
          (!f.action || r.action === f.action) &&
          (since === null || at >= since) &&
          (until === null || at <= until) &&
          (!f.tier || r.autonomyTier === f.tier) &&
          (!f.outcome || r.outcome === f.outcome)
        );
      })
      .sort(
        (a, b) =>
          Date.parse(a.timestamp) - Date.parse(b.timestamp) ||
          a.chainIndex - b.chainIndex ||
          (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0) ||
          (a.recordId < b.recordId ? -1 : 1),
      );
    const limit = f.limit ?? null;
    return limit !== null && records.length > limit ? records.slice(records.length - limit) : records;
  }

  /** The tier an agent acts at: `fallback` unless a successful promote/demote record says otherwise. */
  effectiveTier(agent: string, fallback: AutonomyTier): AutonomyTier {
    let tier = fallback;
    for (const r of this.query({ agent }, "trust_graph")) {
      if ((r.action === "trust.promote" || r.action === "trust.demote") && r.outcome === "success") {
        tier = r.autonomyTier;
      }
    }
    return tier;
  }

  score(agent: string, action: string | null): Dict {
    const records = this.query({ agent, action }, "trust_graph_query");
    const count = (o: TrustOutcome): number => records.filter((r) => r.outcome === o).length;
    const total = records.length;
    const successes = count("success");
    const latest = records[records.length - 1];
    const tier = this.effectiveTier(agent, "act_auto");
    const rate = total === 0 ? 0 : successes / total;
    const policy = policyForTier(tier);
    const latestBad = latest !== undefined && latest.outcome !== "success";
    const narrowed =
      latestBad || (total >= 3 && rate < 0.5)
        ? new CapabilityPolicy([], new Map(), [], "read_only", policy.recursionLimit)
        : policy;
    return Dict.of({
      agent,
      action,
      total,
      successes,
      failures: count("failure"),
      denied: count("denied"),
      timeouts: count("timeout"),
      success_rate: new HFloat(rate),
      latest_outcome: latest?.outcome ?? null,
      latest_timestamp: latest?.timestamp ?? null,
      effective_tier: tier,
      policy: narrowed.toValue(),
    });
  }

  verify(): Dict {
    const chain = this.read(GLOBAL_TOPIC);
    const errors: string[] = [];
    let previous: string | null = null;
    let brokenAt: number | null = null;
    chain.forEach(({ id, record }, i) => {
      if (record.chainIndex !== i + 1) {
        errors.push(`event ${id}: expected chain_index ${i + 1}, found ${record.chainIndex}`);
      }
      if (record.previousHash !== previous) errors.push(`event ${id}: previous_hash mismatch`);
      const expected = trustRecordHash(record);
      if (expected !== record.entryHash) {
        errors.push(`event ${id}: entry_hash mismatch; expected ${expected}, found ${record.entryHash}`);
      }
      if (errors.length > 0 && brokenAt === null) brokenAt = id;
      previous = record.entryHash;
    });
    return Dict.of({
      topic: GLOBAL_TOPIC,
      total: chain.length,
      verified: errors.length === 0,
      root_hash: chain[chain.length - 1]?.record.entryHash ?? null,
      broken_at_event_id: brokenAt,
      errors,
    });
  }
}

/** Records grouped by trace id, groups in order of first appearance. */
export function groupByTrace(records: readonly TrustRecord[]): Dict[] {
  const groups = new Map<string, TrustRecord[]>();
  for (const r of records) {
    const list = groups.get(r.traceId) ?? [];
    list.push(r);
    groups.set(r.traceId, list);
  }
  return [...groups].map(([traceId, list]) =>
    Dict.of({ trace_id: traceId, records: list.map((r) => trustRecordValue(r)) }),
  );
}
