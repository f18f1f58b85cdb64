// Event-log topics the trigger runtime writes, and the classification of a
// dead-lettered error into the operational classes operators filter on.

export const TRIGGER_EVENTS_TOPIC = "triggers.events";
export const TRIGGERS_LIFECYCLE_TOPIC = "triggers.lifecycle";
export const TRIGGER_DLQ_TOPIC = "trigger.dlq";
export const TRIGGER_OUTBOX_TOPIC = "trigger.outbox";
export const TRIGGER_ATTEMPTS_TOPIC = "trigger.attempts";
/** Predicate LLM results recorded for replay. */
export const TRIGGER_INBOX_TOPIC = "trigger.inbox";
export const ACTION_GRAPH_TOPIC = "observability.action_graph";

const has = (text: string, ...words: string[]): boolean => words.some((w) => text.includes(w));

/** The operational class of a DLQ error message. */
export function classifyDlqError(error: string): string {
  const e = error.toLowerCase();
  if (e.includes("budget") && has(e, "exhaust", "exceeded", "limit", "short-circuit"))
    return "budget_exhausted";
  if (has(e, "timeout", "timed out", "deadline", "wall-clock", "wall clock")) return "handler_timeout";
  if (has(e, "401", "403", "unauthorized", "forbidden", "auth failed", "authentication", "permission denied"))
    return "auth_failed";
  if (e.includes("provider") && has(e, "5xx", "500", "502", "503", "504", "upstream", "service unavailable"))
    return "provider_5xx";
  const crashed = has(e, "panic", "crash", "thrown", "exception", "vmerror::thrown");
  if (e.includes("predicate") && crashed) return "predicate_panic";
  if (e.includes("handler") && crashed) return "handler_panic";
  if (has(e, "vmerror::thrown", "handler threw")) return "handler_panic";
  return "unknown";
}
