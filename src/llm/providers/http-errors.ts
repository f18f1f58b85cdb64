// Turning HTTP failures into `LlmError`s. A non-2xx response becomes the
// reference's tagged message, `<provider> HTTP <status> [<tag>]: <body>`
// plus ` (retry-after: <v>)` when the server sent one, so the kind/reason
// taxonomy in llm/errors.ts (which reads those tags) and scripts matching
// on messages behave as with the reference. The category is chosen here
// from the status first and the body second, and a parsable retry-after
// rides along as `retryAfterMs` for the retry loop and the error dict.
// Transport failures (timeouts, refused connections, aborts) get the
// category their kind implies rather than one guessed from message text.

import type { ErrorCategory } from "../../vm/errors.ts";
import { LlmError } from "../errors.ts";
import { TransportError } from "../transport/errors.ts";
import { parseRetryAfter } from "../transport/retry.ts";
import { categoryForHttpStatus } from "../../runtime/error-category.ts";

/** The taxonomy tag a failed response is labelled with (the reference's legacy names). */
export type HttpFailureTag =
  | "context_overflow"
  | "content_policy"
  | "auth_failure"
  | "rate_limited"
  | "timeout"
  | "model_unavailable"
  | "http_error"
  | "invalid_request"
  | "unknown";

const REASON_PHRASES: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

const includesAny = (text: string, needles: readonly string[]): boolean =>
  needles.some((n) => text.includes(n));

function isContextOverflow(lower: string): boolean {
  return (
    includesAny(lower, [
      "maximum context length",
      "context length",
      "context exceeded",
      "context_length_exceeded",
      "context_overflow",
      "prompt is too long",
      "prompt_tokens_exceeded",
      "exceeds the maximum",
    ]) ||
    (lower.includes("context") && lower.includes("exceed")) ||
    (lower.includes("max_tokens") && lower.includes("exceed"))
  );
}

const CONTENT_POLICY = [
  "content_policy",
  "content policy",
  "safety policy",
  "moderation",
  "responsible_ai_policy",
  "blocked by policy",
];
const AUTH_FAILURE = ["invalid_api_key", "authentication_error", "auth_failure", "unauthorized", "forbidden"];
const MODEL_UNAVAILABLE = [
  "model_not_found",
  "not_found_error",
  "model unavailable",
  "model is unavailable",
  "model not found",
];
const SERVER_ERROR_BODY = ["overloaded_error", "service unavailable", "bad gateway", "api_error"];

/**
 * The tag for a failed response. Order matters and follows the reference:
 * the body's own explanation (context overflow, policy, auth) beats the
 * status, because some servers answer a too-long prompt with 429 and the
 * caller must compact rather than back off.
 */
export function failureTag(status: number, body: string): HttpFailureTag {
  const lower = body.toLowerCase();
  if (isContextOverflow(lower)) return "context_overflow";
  if (includesAny(lower, CONTENT_POLICY)) return "content_policy";
  if (includesAny(lower, AUTH_FAILURE) || status === 401 || status === 403) return "auth_failure";
  if (
    status === 429 ||
    includesAny(lower, ["rate_limit", "insufficient_quota", "billing_hard_limit_reached"])
  )
    return "rate_limited";
  if ([408, 504, 522, 524].includes(status) || lower.includes("timeout")) return "timeout";
  if (includesAny(lower, MODEL_UNAVAILABLE) || status === 404 || status === 410) return "model_unavailable";
  if ([500, 502, 503, 529].includes(status) || includesAny(lower, SERVER_ERROR_BODY)) return "http_error";
  if (status === 400 || lower.includes("invalid_request") || lower.includes("bad request"))
    return "invalid_request";
  return "unknown";
}

function categoryFor(status: number, tag: HttpFailureTag, lowerBody: string): ErrorCategory {
  const byStatus = categoryForHttpStatus(status);
  if (byStatus) return byStatus;
  switch (tag) {
    case "auth_failure":
      return "auth";
    case "rate_limited":
      return "rate_limit";
    case "timeout":
      return "timeout";
    case "model_unavailable":
      return "not_found";
    case "http_error":
      return lowerBody.includes("overloaded") ? "overloaded" : "server_error";
    case "context_overflow":
    case "content_policy":
    case "invalid_request":
    case "unknown":
      return "generic";
  }
}

/** The largest integer in `text`: the token count a context-overflow body quotes. */
function largestNumber(text: string): number | undefined {
  let best: number | undefined;
  for (const m of text.matchAll(/\d+/g)) {
    const n = Number(m[0]);
    if (Number.isSafeInteger(n) && (best === undefined || n > best)) best = n;
  }
  return best;
}

/** The LlmError for a non-2xx response from `provider`. */
export function httpFailure(
  provider: string,
  status: number,
  retryAfter: string | undefined,
  body: string,
  nowMs: number,
): LlmError {
  const tag = failureTag(status, body);
  const phrase = REASON_PHRASES[status];
  let message = `${provider} HTTP ${status}${phrase ? ` ${phrase}` : ""} [${tag}]: ${body}`;
  if (tag === "context_overflow") {
    const tokens = largestNumber(body);
    if (tokens !== undefined) message += ` (offending_tokens: ${tokens})`;
  }
  if (retryAfter !== undefined) message += ` (retry-after: ${retryAfter})`;
  const retryAfterMs = retryAfter === undefined ? undefined : parseRetryAfter(retryAfter, nowMs);
  return new LlmError(categoryFor(status, tag, body.toLowerCase()), message, retryAfterMs ?? null);
}

/** The LlmError for a request that never produced a usable response (or whose body broke off). */
export function transportFailure(provider: string, phase: "API" | "stream", error: unknown): LlmError {
  if (error instanceof LlmError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  const message = `${provider} ${phase} error: ${detail}`;
  if (!(error instanceof TransportError)) return new LlmError("transient_network", message);
  switch (error.kind) {
    case "timeout":
      return new LlmError("timeout", message);
    case "aborted":
      return new LlmError("cancelled", message);
    case "connect":
    case "protocol":
      return new LlmError("transient_network", message);
    case "invalid_request":
      return new LlmError("generic", message);
  }
}

/**
 * An error reported inside a 200 response (an Anthropic `error` stream
 * event, an OpenAI-style `{"error": ...}` chunk): categorised by its type
 * or code, since there is no status to go by.
 */
export function inBandFailure(
  provider: string,
  phase: "API" | "stream",
  type: string,
  detail: string,
): LlmError {
  const lower = `${type} ${detail}`.toLowerCase();
  const category: ErrorCategory = lower.includes("overloaded")
    ? "overloaded"
    : lower.includes("rate_limit")
      ? "rate_limit"
      : lower.includes("authentication") || lower.includes("permission")
        ? "auth"
        : lower.includes("not_found") || lower.includes("not found")
          ? "not_found"
          : lower.includes("timeout")
            ? "timeout"
            : lower.includes("api_error") || lower.includes("server_error")
              ? "server_error"
              : "generic";
  return new LlmError(category, `${provider} ${phase} error: ${type === "" ? "" : `${type}: `}${detail}`);
}
