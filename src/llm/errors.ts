// Failures of an LLM call and the dict scripts catch for them. Providers
// throw `LlmError` (a category plus message, optionally a retry-after
// hint); `llm_call` turns any failure into the reference's thrown dict
// `{category, kind, reason, message, retry_after_ms?, provider, model}`, and
// the transient-retry loop asks `isRetryableLlmError`. The kind/reason
// taxonomy reads the message first (providers embed well-known phrases and
// HTTP tags) and falls back to the category.

import { classifyMessage, parseCategory } from "../runtime/error-category.ts";
import { display } from "../vm/display.ts";
import { type ErrorCategory, ErrorKind, thrown, VmError } from "../vm/errors.ts";
import { Dict, type Value } from "../vm/values.ts";

/** A provider failure with the category retries and `error_category()` dispatch on. */
export class LlmError extends Error {
  constructor(
    readonly category: ErrorCategory,
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = "LlmError";
  }
}

export type LlmErrorKind = "transient" | "terminal";
export type LlmErrorReason =
  | "rate_limit"
  | "server_error"
  | "network_error"
  | "timeout"
  | "auth_failure"
  | "context_overflow"
  | "content_policy"
  | "invalid_request"
  | "model_unavailable"
  | "unknown";

export interface LlmErrorInfo {
  readonly kind: LlmErrorKind;
  readonly reason: LlmErrorReason;
}

const TRANSIENT_CATEGORIES = new Set<ErrorCategory>([
  "timeout",
  "rate_limit",
  "overloaded",
  "server_error",
  "transient_network",
]);

export function isTransientCategory(c: ErrorCategory): boolean {
  return TRANSIENT_CATEGORIES.has(c);
}

const has = (text: string, needles: readonly string[]): boolean => needles.some((n) => text.includes(n));

const CONTEXT_OVERFLOW = [
  "maximum context length",
  "context length",
  "context exceeded",
  "context_length_exceeded",
  "context_overflow",
  "prompt is too long",
  "prompt_tokens_exceeded",
  "exceeds the maximum",
];
const CONTENT_POLICY = ["content_policy", "content policy", "content_filter", "safety system"];
const AUTH_FAILURE = ["invalid_api_key", "authentication_error", "invalid api key", "unauthorized"];
const MODEL_UNAVAILABLE = ["model_not_found", "not_found_error", "model not found", "does not exist"];
const RATE_LIMITED = [
  "[rate_limited]",
  "too many requests",
  "insufficient_quota",
  "billing_hard_limit_reached",
];
const SERVER_ERROR = ["[http_error]", "bad gateway", "service unavailable", "overloaded", "api_error"];
const NETWORK = [
  "connection reset",
  "connection refused",
  "connection closed",
  "broken pipe",
  "dns error",
  "stream error",
  "eof",
];

/** The taxonomy a message names outright, if any. */
function reasonFromMessage(message: string): LlmErrorInfo | undefined {
  const lower = message.toLowerCase();
  if (has(lower, CONTEXT_OVERFLOW) || (lower.includes("context") && lower.includes("exceed"))) {
    return { kind: "terminal", reason: "context_overflow" };
  }
  if (has(lower, CONTENT_POLICY)) return { kind: "terminal", reason: "content_policy" };
  if (has(lower, AUTH_FAILURE)) return { kind: "terminal", reason: "auth_failure" };
  if (has(lower, MODEL_UNAVAILABLE)) return { kind: "terminal", reason: "model_unavailable" };
  if (has(lower, RATE_LIMITED)) return { kind: "transient", reason: "rate_limit" };
  if (has(lower, SERVER_ERROR)) return { kind: "transient", reason: "server_error" };
  if (lower.includes("timed out") || lower.includes("timeout"))
    return { kind: "transient", reason: "timeout" };
  if (has(lower, NETWORK)) return { kind: "transient", reason: "network_error" };
  if (lower.includes("invalid_request") || lower.includes("bad request")) {
    return { kind: "terminal", reason: "invalid_request" };
  }
  return undefined;
}

function reasonFromCategory(category: ErrorCategory): LlmErrorInfo {
  switch (category) {
    case "rate_limit":
      return { kind: "transient", reason: "rate_limit" };
    case "timeout":
      return { kind: "transient", reason: "timeout" };
    case "overloaded":
    case "server_error":
      return { kind: "transient", reason: "server_error" };
    case "transient_network":
      return { kind: "transient", reason: "network_error" };
    case "auth":
      return { kind: "terminal", reason: "auth_failure" };
    case "not_found":
      return { kind: "terminal", reason: "model_unavailable" };
    default:
      return { kind: "terminal", reason: "unknown" };
  }
}

/** Kind and reason of a failure with `category` and `message`. */
export function classifyLlmError(category: ErrorCategory, message: string): LlmErrorInfo {
  return reasonFromMessage(message) ?? reasonFromCategory(category);
}

/** The facts of any failure an LLM call can raise. */
export interface FailureFacts {
  readonly category: ErrorCategory;
  readonly message: string;
  readonly retryAfterMs: number | null;
  /** The dict a nested call already threw, kept as is. */
  readonly thrownDict: Dict | null;
}

export function failureFacts(e: unknown): FailureFacts {
  if (e instanceof LlmError) {
    return { category: e.category, message: e.message, retryAfterMs: e.retryAfterMs, thrownDict: null };
  }
  if (e instanceof VmError) {
    switch (e.kind) {
      case ErrorKind.Categorized:
        return { category: e.category, message: e.detail, retryAfterMs: null, thrownDict: null };
      case ErrorKind.Thrown: {
        const v = e.thrown;
        if (v instanceof Dict) {
          const category = v.map.has("category") ? parseCategory(display(v.get("category"))) : "generic";
          const message = v.map.has("message") ? display(v.get("message")) : display(v);
          const retry = v.get("retry_after_ms");
          return { category, message, retryAfterMs: typeof retry === "number" ? retry : null, thrownDict: v };
        }
        const message = display(v);
        return { category: classifyMessage(message), message, retryAfterMs: null, thrownDict: null };
      }
      default: {
        const message = e.display(display);
        return { category: classifyMessage(e.detail), message, retryAfterMs: null, thrownDict: null };
      }
    }
  }
  const message = e instanceof Error ? e.message : String(e);
  return { category: classifyMessage(message), message, retryAfterMs: null, thrownDict: null };
}

/** Whether the transient-retry loop inside `llm_call` should try again after `e`. */
export function isRetryableLlmError(e: unknown): boolean {
  const facts = failureFacts(e);
  const kind = facts.thrownDict?.get("kind");
  if (kind !== null && kind !== undefined) return display(kind) === "transient";
  const info = classifyLlmError(facts.category, facts.message);
  if (info.reason === "unknown") return isTransientCategory(facts.category);
  return info.kind === "transient";
}

/** The dict `llm_call` throws: the failure's facts plus the provider and model it was for. */
export function llmErrorDict(e: unknown, provider: string, model: string): Dict {
  const facts = failureFacts(e);
  const info = classifyLlmError(facts.category, facts.message);
  const m = new Map<string, Value>(facts.thrownDict?.map ?? []);
  const fill = (key: string, value: Value): void => {
    if (!m.has(key)) m.set(key, value);
  };
  fill("category", facts.category);
  fill("kind", info.kind);
  fill("reason", info.reason);
  fill("message", facts.message);
  if (facts.retryAfterMs !== null) fill("retry_after_ms", facts.retryAfterMs);
  m.set("provider", provider);
  m.set("model", model);
  return new Dict(m);
}

/** `llmErrorDict` as the VmError `llm_call` raises. */
export function llmThrown(e: unknown, provider: string, model: string): VmError {
  return thrown(llmErrorDict(e, provider, model));
}

/** A message thrown as a plain string (option errors), as the reference does. */
export function optionError(message: string): VmError {
  return thrown(message);
}
