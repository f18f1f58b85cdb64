// Error categories as the reference classifies them: explicit categories
// (categorized errors, thrown dicts with a `category` key) win; otherwise a
// message is classified by the HTTP status codes it mentions, then by
// well-known provider error identifiers. Retry loops and `error_category()`
// share this one classifier.

import { display } from "../vm/display.ts";
import { type ErrorCategory, ErrorKind, type VmError } from "../vm/errors.ts";
import { Dict } from "../vm/values.ts";

const CATEGORY_NAMES = new Set<string>([
  "timeout",
  "auth",
  "rate_limit",
  "overloaded",
  "server_error",
  "transient_network",
  "schema_validation",
  "tool_error",
  "tool_rejected",
  "egress_blocked",
  "cancelled",
  "not_found",
  "circuit_open",
  "budget_exceeded",
]);

/** A category name, or generic for anything unknown. */
export function parseCategory(text: string): ErrorCategory {
  return CATEGORY_NAMES.has(text) ? (text as ErrorCategory) : "generic";
}

const STATUS_CATEGORIES: Readonly<Record<number, ErrorCategory>> = {
  401: "auth",
  403: "auth",
  404: "not_found",
  410: "not_found",
  408: "timeout",
  504: "timeout",
  522: "timeout",
  524: "timeout",
  429: "rate_limit",
  503: "overloaded",
  529: "overloaded",
  500: "server_error",
  502: "server_error",
};

/** The error category an HTTP status implies, if any (401 auth, 429 rate_limit, 503 overloaded, ...). */
export function categoryForHttpStatus(status: number): ErrorCategory | undefined {
  return STATUS_CATEGORIES[status];
}

/** Categorizes an error message: HTTP status codes first, then well-known identifiers. */
export function classifyMessage(message: string): ErrorCategory {
  for (const m of message.matchAll(/(?<!\d)([45]\d\d)(?!\d)/g)) {
    const category = categoryForHttpStatus(Number(m[1]));
    if (category) return category;
  }
  if (message.includes("Deadline exceeded") || message.includes("context deadline exceeded"))
    return "timeout";
  if (message.includes("overloaded_error")) return "overloaded";
  if (message.includes("api_error")) return "server_error";
  if (message.includes("insufficient_quota") || message.includes("billing_hard_limit_reached"))
    return "rate_limit";
  if (message.includes("invalid_api_key") || message.includes("authentication_error")) return "auth";
  if (message.includes("not_found_error") || message.includes("model_not_found")) return "not_found";
  if (message.includes("circuit_open")) return "circuit_open";
  const lower = message.toLowerCase();
  const transient = [
    "connection reset",
    "connection refused",
    "connection closed",
    "broken pipe",
    "dns error",
    "stream error",
    "unexpected eof",
  ];
  return transient.some((t) => lower.includes(t)) ? "transient_network" : "generic";
}

/** The category of a run-time error, as the reference's retry classifier sees it. */
export function errorCategoryOf(e: VmError): ErrorCategory {
  switch (e.kind) {
    case ErrorKind.Categorized:
      return e.category;
    case ErrorKind.Thrown:
      if (e.thrown instanceof Dict)
        return e.thrown.map.has("category") ? parseCategory(display(e.thrown.get("category"))) : "generic";
      return typeof e.thrown === "string" ? classifyMessage(e.thrown) : "generic";
    case ErrorKind.Runtime:
      return classifyMessage(e.detail);
    default:
      return "generic";
  }
}
