// A trigger binding: what `trigger_register` declared (the spec) plus the
// runtime state of one registered version — its lifecycle state, delivery
// metrics, predicate circuit breaker and cost counters. `snapshot()` is the
// TriggerBinding value Harn code sees from trigger_register / trigger_list.

import { Closure, Dict, HFloat, type Value } from "../../vm/values.ts";
import type { DispatchContext } from "./dispatch-context.ts";

export type AutonomyTier = "shadow" | "suggest" | "act_with_approval" | "act_auto";
export const AUTONOMY_TIERS: readonly AutonomyTier[] = ["shadow", "suggest", "act_with_approval", "act_auto"];

/** What happens when a predicate's budget is spent: skip (false), defer, dead-letter, or fire anyway. */
export type BudgetStrategy = "false" | "retry_later" | "fail" | "warn";

export type RetryPolicy =
  | { readonly kind: "svix" }
  | { readonly kind: "linear"; readonly delayMs: number }
  | { readonly kind: "exponential"; readonly baseMs: number; readonly capMs: number };

export interface RetryConfig {
  readonly maxAttempts: number;
  readonly policy: RetryPolicy;
}

export const DEFAULT_MAX_ATTEMPTS = 7;

/** Svix's delivery schedule: delay before attempt 1, 2, 3, ... */
const SVIX_SCHEDULE_MS = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

/** Delay before `attempt` (1-based). */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  if (attempt <= 1) return 0;
  switch (policy.kind) {
    case "linear":
      return policy.delayMs;
    case "exponential":
      return Math.min(policy.baseMs * 2 ** Math.min(attempt - 2, 52), policy.capMs);
    case "svix":
      return SVIX_SCHEDULE_MS[Math.min(attempt - 1, SVIX_SCHEDULE_MS.length - 1)]!;
  }
}

/**
 * A handler written in TypeScript (an embedder's, or a built-in connector's):
 * runs with the dispatch context instead of as a Harn task.
 */
export interface NativeHandler {
  readonly kind: "native";
  readonly name: string;
  run(event: Dict, dispatch: DispatchContext): Promise<Value>;
}

export type HandlerTarget = Closure | NativeHandler;

export function handlerName(h: HandlerTarget): string {
  return h instanceof Closure ? h.proto.name : h.name;
}

export interface WhenBudget {
  readonly maxCostUsd: number | null;
  readonly tokensMax: number | null;
  readonly timeoutMs: number | null;
}

export interface BindingSpec {
  readonly id: string;
  readonly kind: string;
  readonly provider: string;
  readonly autonomyTier: AutonomyTier;
  readonly source: "dynamic" | "manifest";
  readonly handler: HandlerTarget;
  readonly when: HandlerTarget | null;
  readonly whenBudget: WhenBudget | null;
  readonly retry: RetryConfig;
  readonly matchEvents: readonly string[];
  readonly dedupeKey: string | null;
  readonly filter: string | null;
  readonly dailyCostUsd: number | null;
  readonly hourlyCostUsd: number | null;
  readonly onBudgetExhausted: BudgetStrategy;
  readonly maxConcurrent: number | null;
  readonly manifestPath: string | null;
  readonly packageName: string | null;
  /** Equal fingerprints mean the same definition. */
  readonly fingerprint: string;
}

export type BindingState = "registering" | "active" | "draining" | "terminated";

export interface BindingMetrics {
  received: number;
  dispatched: number;
  failed: number;
  dlq: number;
  inFlight: number;
  lastReceivedMs: number | null;
  costTotalMicros: number;
  costTodayMicros: number;
  costHourMicros: number;
}

export type DispatchTally = "dispatched" | "failed" | "dlq";

export class TriggerBinding {
  state: BindingState = "active";
  readonly metrics: BindingMetrics = {
    received: 0,
    dispatched: 0,
    failed: 0,
    dlq: 0,
    inFlight: 0,
    lastReceivedMs: null,
    costTotalMicros: 0,
    costTodayMicros: 0,
    costHourMicros: 0,
  };
  /** Called when a draining binding's last in-flight event finishes. */
  onDrained: (() => void) | null = null;
  /** Consecutive predicate failures; three open the breaker. */
  predicateFailures = 0;
  breakerOpenUntilMs: number | null = null;

  constructor(
    readonly spec: BindingSpec,
    readonly version: number,
  ) {}

  get id(): string {
    return this.spec.id;
  }

  /** `<id>@v<version>`: names one version in records and headers. */
  get key(): string {
    return `${this.spec.id}@v${this.version}`;
  }

  begin(nowMs: number): void {
    this.metrics.received++;
    this.metrics.inFlight++;
    this.metrics.lastReceivedMs = nowMs;
  }

  finish(outcome: DispatchTally): void {
    this.metrics.inFlight = Math.max(0, this.metrics.inFlight - 1);
    this.metrics[outcome]++;
    if (this.state === "draining" && this.metrics.inFlight === 0) this.onDrained?.();
  }

  addCost(micros: number): void {
    this.metrics.costTotalMicros += micros;
    this.metrics.costTodayMicros += micros;
    this.metrics.costHourMicros += micros;
  }

  snapshot(): Dict {
    const m = this.metrics;
    const usd = (n: number | null): Value => (n === null ? null : new HFloat(n));
    return Dict.of({
      id: this.spec.id,
      version: this.version,
      source: this.spec.source,
      kind: this.spec.kind,
      provider: this.spec.provider,
      autonomy_tier: this.spec.autonomyTier,
      handler_kind: "local",
      state: this.state,
      metrics: Dict.of({
        received: m.received,
        dispatched: m.dispatched,
        failed: m.failed,
        dlq: m.dlq,
        in_flight: m.inFlight,
        last_received_ms: m.lastReceivedMs,
        cost_total_usd_micros: m.costTotalMicros,
        cost_today_usd_micros: m.costTodayMicros,
        cost_hour_usd_micros: m.costHourMicros,
      }),
      daily_cost_usd: usd(this.spec.dailyCostUsd),
      hourly_cost_usd: usd(this.spec.hourlyCostUsd),
      max_autonomous_decisions_per_hour: null,
      max_autonomous_decisions_per_day: null,
      on_budget_exhausted: this.spec.onBudgetExhausted,
    });
  }
}
