// Parsing `trigger_register(config)`: the TriggerConfig dict becomes a
// BindingSpec. Fields left nil take their defaults (autonomy act_auto,
// seven attempts on the Svix schedule, predicate budget off); anything
// malformed fails with a `trigger_register: ...` message naming the field.

import { typeName } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Closure, Dict, Duration, HFloat, type Value } from "../../vm/values.ts";
import {
  AUTONOMY_TIERS,
  type AutonomyTier,
  type BindingSpec,
  type BudgetStrategy,
  DEFAULT_MAX_ATTEMPTS,
  handlerName,
  type RetryConfig,
  type WhenBudget,
} from "./binding.ts";

const B = "trigger_register";

function text(d: Dict, key: string): string | null {
  const v = d.get(key);
  return typeof v === "string" ? v : null;
}

function requiredText(d: Dict, key: string): string {
  const v = text(d, key);
  if (v === null) throw runtimeError(`${B}: missing string field \`${key}\``);
  return v;
}

function number(v: Value): number | null {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof HFloat) return v.v;
  return null;
}

function int(v: Value): number | null {
  return typeof v === "number" || typeof v === "bigint" ? Number(v) : null;
}

function dictField(d: Dict | null, key: string): Dict | null {
  const v = d?.get(key) ?? null;
  return v instanceof Dict ? v : null;
}

export function parseAutonomyTier(v: Value, builtin: string): AutonomyTier {
  if (typeof v !== "string")
    throw runtimeError(`${builtin}: \`autonomy_tier\` must be a string, got ${typeName(v)}`);
  if ((AUTONOMY_TIERS as readonly string[]).includes(v)) return v as AutonomyTier;
  throw runtimeError(
    `${builtin}: unsupported autonomy_tier '${v}', expected shadow|suggest|act_with_approval|act_auto`,
  );
}

/** Milliseconds of a duration value or a "500ms" / "5s" / "2m" / "1h" string. */
function durationMs(v: Value): number {
  if (v instanceof Duration) return v.ms;
  const raw = typeof v === "string" ? v.trim() : "";
  if (raw === "") throw runtimeError(`${B}: when_budget.timeout cannot be empty`);
  const m = /^(\d+)\s*([a-z]*)$/.exec(raw);
  if (m === null) throw runtimeError(`${B}: invalid when_budget.timeout '${raw}'`);
  const unit = { "": 1, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[m[2]!];
  if (unit === undefined) throw runtimeError(`${B}: unsupported when_budget.timeout unit in '${raw}'`);
  return Number(m[1]) * unit;
}

function parseHandler(v: Value, field: string): Closure {
  if (v instanceof Closure) return v;
  if (typeof v === "string") {
    if (v.startsWith("a2a://") || v.startsWith("worker://")) {
      throw runtimeError(
        `${B}: \`${field}\` targets '${v}' need a remote dispatcher, which this runtime does not run`,
      );
    }
    throw runtimeError(`${B}: \`${field}\` string must use \`a2a://\` or \`worker://\` URI syntax`);
  }
  throw runtimeError(`${B}: \`${field}\` must be a closure or handler URI string, got ${typeName(v)}`);
}

function parseRetry(d: Dict | null): RetryConfig {
  if (d === null) return { maxAttempts: DEFAULT_MAX_ATTEMPTS, policy: { kind: "svix" } };
  const max = Math.max(1, int(d.get("max")) ?? DEFAULT_MAX_ATTEMPTS);
  const backoff = text(d, "backoff");
  if (backoff === null || backoff === "svix") return { maxAttempts: max, policy: { kind: "svix" } };
  if (backoff === "immediate") return { maxAttempts: max, policy: { kind: "linear", delayMs: 0 } };
  throw runtimeError(`${B}: unsupported retry.backoff '${backoff}', expected 'svix' or 'immediate'`);
}

function parseStrategy(budget: Dict | null): BudgetStrategy {
  const v = budget?.get("on_budget_exhausted") ?? null;
  if (v === null) return "false";
  if (typeof v !== "string") throw runtimeError(`${B}: budget.on_budget_exhausted must be a string`);
  if (v === "false" || v === "retry_later" || v === "fail" || v === "warn") return v;
  throw runtimeError(`${B}: unsupported budget.on_budget_exhausted '${v}'`);
}

function parseEvents(v: Value): string[] {
  if (!Array.isArray(v)) throw runtimeError(`${B}: \`events\` must be a list of strings`);
  return v.map((item) => {
    if (typeof item !== "string")
      throw runtimeError(`${B}: \`events\` entries must be strings, got ${typeName(item)}`);
    return item;
  });
}

function parseWhenBudget(whenBudget: Dict | null, budget: Dict | null): WhenBudget | null {
  let maxCostUsd = whenBudget ? number(whenBudget.get("max_cost_usd")) : null;
  let tokensMax = whenBudget ? int(whenBudget.get("tokens_max")) : null;
  const timeout = whenBudget?.get("timeout") ?? null;
  const timeoutMs = timeout === null ? null : durationMs(timeout);
  // The binding budget's per-call limits apply to the predicate when it sets none.
  if (budget !== null) {
    maxCostUsd ??= number(budget.get("max_cost_usd"));
    tokensMax ??= int(budget.get("max_tokens") ?? budget.get("tokens_max"));
  }
  if (whenBudget === null && maxCostUsd === null && tokensMax === null) return null;
  return { maxCostUsd, tokensMax: tokensMax === null ? null : Math.max(0, tokensMax), timeoutMs };
}

/** The spec a TriggerConfig dict describes; `uuid` names bindings registered without an id. */
export function parseTriggerConfig(v: Value | undefined, uuid: () => string): BindingSpec {
  if (!(v instanceof Dict)) {
    const got = v === undefined ? "nothing" : typeName(v);
    throw runtimeError(`${B}: expected dict argument at position 1, got ${got}`);
  }
  const givenId = text(v, "id");
  const id = givenId === null || givenId.trim() === "" ? `dynamic_trigger_${uuid()}` : givenId;
  const kind = requiredText(v, "kind");
  const provider = requiredText(v, "provider");
  const handlerValue = v.get("handler");
  if (handlerValue === null) throw runtimeError(`${B}: missing \`handler\``);
  const handler = parseHandler(handlerValue, "handler");
  const whenValue = v.get("when");
  const when = whenValue === null ? null : parseHandler(whenValue, "when");
  const match = dictField(v, "match");
  const eventsValue = match?.get("events") ?? v.get("events");
  const tierValue = v.get("autonomy_tier") ?? v.get("tier");
  const budget = dictField(v, "budget");
  const whenBudget = parseWhenBudget(dictField(v, "when_budget"), budget);
  if (whenBudget !== null && when === null) throw runtimeError(`${B}: when_budget requires a when predicate`);
  for (const key of ["max_autonomous_decisions_per_hour", "max_autonomous_decisions_per_day"]) {
    if (int(budget?.get(key) ?? null) === 0) {
      throw runtimeError(`${B}: budget.${key} must be greater than or equal to 1`);
    }
  }
  const spec: Omit<BindingSpec, "fingerprint"> = {
    id,
    source: "dynamic",
    kind,
    provider,
    autonomyTier: tierValue === null ? "act_auto" : parseAutonomyTier(tierValue, B),
    handler,
    when,
    whenBudget,
    retry: parseRetry(dictField(v, "retry")),
    matchEvents: eventsValue === null ? [] : parseEvents(eventsValue),
    dedupeKey: text(v, "dedupe_key"),
    filter: text(v, "filter"),
    dailyCostUsd: budget ? number(budget.get("daily_cost_usd")) : null,
    hourlyCostUsd: budget ? number(budget.get("hourly_cost_usd")) : null,
    onBudgetExhausted: parseStrategy(budget),
    maxConcurrent: budget ? int(budget.get("max_concurrent")) : null,
    manifestPath: text(v, "manifest_path"),
    packageName: text(v, "package_name"),
  };
  return { ...spec, fingerprint: fingerprintOf(spec) };
}

/** Equal for specs that declare the same binding (handlers compared by name). */
export function fingerprintOf(spec: Omit<BindingSpec, "fingerprint">): string {
  return JSON.stringify({
    ...spec,
    handler: handlerName(spec.handler),
    when: spec.when === null ? null : handlerName(spec.when),
  });
}
