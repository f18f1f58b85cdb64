// Provider rate limits (sliding window), error classification and the
// retry loop of `with_rate_limit`.

import assert from "node:assert/strict";
import { test } from "node:test";
import { runSource, uncaughtMessage } from "../../engine.ts";
import { categorized, runtimeError, thrown } from "../../vm/errors.ts";
import { Dict } from "../../vm/values.ts";
import { classifyMessage, errorCategoryOf } from "../error-category.ts";
import { RateLimiter } from "./rate-limit.ts";

async function run(source: string): Promise<string> {
  const out: string[] = [];
  const r = await runSource(source, "rate.harn", { output: (s) => out.push(s), errorOutput: () => {} });
  if (r.kind === "error") out.push(`error: ${uncaughtMessage(r.error)}`);
  if (r.kind === "diagnostics") out.push(`diagnostics: ${r.diagnostics.map((d) => d.message).join("; ")}`);
  return out.join("").trimEnd();
}

test("the window admits rpm requests per minute", () => {
  const limiter = new RateLimiter();
  assert.equal(limiter.tryAcquire("p", 0), 0, "no limit configured");
  limiter.set("p", 2);
  assert.equal(limiter.get("p"), 2);
  assert.equal(limiter.tryAcquire("p", 1000), 0);
  assert.equal(limiter.tryAcquire("p", 2000), 0);
  assert.equal(limiter.tryAcquire("p", 3000), 58_000, "full until the oldest request leaves");
  assert.equal(limiter.tryAcquire("p", 61_001), 0);
  limiter.set("p", 0);
  assert.equal(limiter.get("p"), null);
});

test("error classification", () => {
  assert.equal(classifyMessage("HTTP 429 Too Many Requests"), "rate_limit");
  assert.equal(classifyMessage("status 1429 then 503"), "overloaded");
  assert.equal(classifyMessage("Connection reset by peer"), "transient_network");
  assert.equal(classifyMessage("Deadline exceeded"), "timeout");
  assert.equal(classifyMessage("plain failure"), "generic");
  assert.equal(errorCategoryOf(categorized("auth", "no")), "auth");
  assert.equal(errorCategoryOf(thrown(Dict.of({ category: "overloaded" }))), "overloaded");
  assert.equal(errorCategoryOf(thrown(Dict.of({ category: "weird" }))), "generic");
  assert.equal(errorCategoryOf(thrown("got 504")), "timeout");
  assert.equal(errorCategoryOf(runtimeError("invalid_api_key")), "auth");
});

test("with_rate_limit retries retryable failures and returns the result", async () => {
  const out = await run(`
let tries = atomic(0)
llm_rate_limit("p", {rpm: 100})
let r = with_rate_limit("p", fn() {
  atomic_add(tries, 1)
  println("try " + to_string(atomic_get(tries)))
  if atomic_get(tries) == 1 { throw {category: "rate_limit", message: "429"} }
  if atomic_get(tries) == 2 { throw "connection reset" }
  "ok"
}, {backoff_ms: 1})
println(r)
println(llm_rate_limit("p"))
println(llm_rate_limit("q"))
`);
  assert.equal(out, "try 1\ntry 2\ntry 3\nok\n100\nnil");
});

test("with_rate_limit gives up on other errors and after max_retries", async () => {
  const out = await run(`
let tries = atomic(0)
let a = try { with_rate_limit("p", fn() { atomic_add(tries, 1); throw "bad input" }) }
println([a, atomic_get(tries)])
atomic_set(tries, 0)
let b = try {
  with_rate_limit("p", fn() { atomic_add(tries, 1); throw "HTTP 503" }, {backoff_ms: 1, max_retries: 2})
}
println([b, atomic_get(tries)])
println(try { with_rate_limit("p", 3) })
println(try { llm_rate_limit("p", {}) })
`);
  assert.equal(
    out,
    [
      "[Result.Err(bad input), 1]",
      "[Result.Err(HTTP 503), 3]",
      "Result.Err(Runtime error: with_rate_limit: second argument must be a closure)",
      "Result.Err(Runtime error: llm_rate_limit: options must include 'rpm' (integer))",
    ].join("\n"),
  );
});
