// Pure pieces of the network stdlib: URL globs, mock-log redaction, the
// egress rule language (hosts, wildcards, IPs, CIDRs, ports, env seeding),
// SSE frames written and read back, and server path templates.

import assert from "node:assert/strict";
import { test } from "node:test";
import { display } from "../../vm/display.ts";
import { VmError } from "../../vm/errors.ts";
import { Dict } from "../../vm/values.ts";
import { EgressGuard, parseIp } from "./egress.ts";
import { matchTemplate } from "./http-server.ts";
import { HttpMockRegistry, parseMockResponses, redactUrl } from "./mock-registry.ts";
import { parseFrame, sseFrame } from "./sse-frames.ts";
import { urlMatches } from "./url-glob.ts";

test("URL globs: exact, star, ordered pieces anchored at both ends", () => {
  assert.ok(urlMatches("*", "anything"));
  assert.ok(urlMatches("https://a/x", "https://a/x"));
  assert.ok(!urlMatches("https://a/x", "https://a/x/y"));
  assert.ok(urlMatches("https://a/*/items/*", "https://a/users/items/1"));
  assert.ok(!urlMatches("https://a/*/items/*", "https://a/users/other/1"));
  assert.ok(urlMatches("*.json", "https://a/b.json"));
  assert.ok(!urlMatches("https://a/*.json", "https://a/b.txt"));
});

test("the mock registry replaces on re-registration, repeats the last response and redacts its log", () => {
  const mocks = new HttpMockRegistry();
  mocks.register(
    "GET",
    "https://a/*",
    parseMockResponses(
      Dict.of({ responses: [Dict.of({ status: 503 }), Dict.of({ status: 200, body: "ok" })] }),
    ),
  );
  assert.equal(mocks.consume("get", "https://a/1", new Dict(), null)?.status, 503);
  assert.equal(mocks.consume("GET", "https://a/1", new Dict(), null)?.status, 200);
  assert.equal(mocks.consume("GET", "https://a/1", new Dict(), null)?.body, "ok");
  mocks.register("GET", "https://a/*", parseMockResponses(Dict.of({ status: 201 })));
  assert.equal(
    mocks.consume("GET", "https://a/2", Dict.of({ authorization: "Bearer x", accept: "*/*" }), null)?.status,
    201,
  );
  assert.equal(mocks.consume("POST", "https://a/2", new Dict(), null), undefined);
  const last = mocks.calls(true).at(-1) as Dict;
  assert.equal(display(last.get("headers")), "{accept: */*, authorization: [redacted]}");
  assert.equal(
    redactUrl("https://a/x?token=1&q=2&client_secret=s"),
    "https://a/x?token=%5Bredacted%5D&q=2&client_secret=%5Bredacted%5D",
  );
  assert.equal(redactUrl("https://a/x?q=2"), "https://a/x?q=2");
});

/** Asserts that `fn` throws a Harn error whose thrown value reads like `pattern`. */
function throwsHarn(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof VmError && pattern.test(display(e.thrown)));
}

function blockedReason(guard: EgressGuard, url: string): string | undefined {
  const e = guard.check("http_request", url) as VmError | undefined;
  return e === undefined ? undefined : display((e.thrown as Dict).get("reason"));
}

test("egress rules: deny wins, wildcards need a subdomain, CIDRs and ports match", () => {
  const guard = new EgressGuard(() => undefined);
  guard.install(
    Dict.of({
      allow: ["api.example.com", "*.wild.test", "10.0.0.0/8", "[::1]:8080", "https://port.test:8443/path"],
      deny: ["bad.wild.test"],
      default: "deny",
    }),
  );
  assert.equal(blockedReason(guard, "https://API.example.com./x"), undefined);
  assert.equal(blockedReason(guard, "https://a.wild.test/"), undefined);
  assert.equal(blockedReason(guard, "https://wild.test/"), "no allow rule matched");
  assert.equal(blockedReason(guard, "https://bad.wild.test/"), "matched deny rule `bad.wild.test`");
  assert.equal(blockedReason(guard, "http://10.2.3.4:9/"), undefined);
  assert.equal(blockedReason(guard, "http://11.0.0.1/"), "no allow rule matched");
  assert.equal(blockedReason(guard, "http://[::1]:8080/"), undefined);
  assert.equal(blockedReason(guard, "http://[::1]:8081/"), "no allow rule matched");
  assert.equal(blockedReason(guard, "https://port.test:8443/"), undefined);
  assert.equal(blockedReason(guard, "https://port.test/"), "no allow rule matched");
  const e = guard.check("sse_connect", "https://x.test/?token=abc") as VmError;
  const error = e.thrown as Dict;
  assert.equal(display(error.get("type")), "EgressBlocked");
  assert.equal(display(error.get("category")), "egress_blocked");
  assert.equal(error.get("port"), 443);
  assert.match(
    display(error.get("message")),
    /^EgressBlocked: sse_connect blocked x\.test:443 for https:\/\/x\.test\/\?token=%5Bredacted%5D/,
  );
  throwsHarn(() => guard.install(Dict.of({})), /policy already configured from stdlib/);
});

test("egress: environment seeding, bad rules, IP parsing", () => {
  const env: Record<string, string> = {
    HARN_EGRESS_DENY: "evil.test; 192.168.0.0/16",
    HARN_EGRESS_DEFAULT: "allow",
  };
  const guard = new EgressGuard((n) => env[n]);
  assert.equal(blockedReason(guard, "https://ok.test/"), undefined);
  assert.match(blockedReason(guard, "http://192.168.1.1/") ?? "", /deny rule/);
  throwsHarn(() => guard.install(Dict.of({})), /already configured from environment/);
  const fresh = (): EgressGuard => new EgressGuard(() => undefined);
  throwsHarn(() => fresh().install(Dict.of({ allow: ["10.0.0.0/40"] })), /invalid CIDR rule/);
  throwsHarn(() => fresh().install(Dict.of({ allow: ["host:99999"] })), /invalid port/);
  throwsHarn(() => fresh().install(Dict.of({ allow: "x" })), /allow must be a list/);
  throwsHarn(() => fresh().install(Dict.of({ default: "maybe" })), /default must be `allow` or `deny`/);
  assert.deepEqual(parseIp("::ffff:1.2.3.4"), { value: 0xffff01020304n, v6: true });
  assert.equal(parseIp("256.1.1.1"), undefined);
  assert.equal(parseIp("1:2:3"), undefined);
});

test("SSE frames: fields, multi-line data, comment-only frames, and reading them back", () => {
  const frame = sseFrame(
    Dict.of({ event: "progress", data: "one\ntwo", id: "e1", retry_ms: 2500 }),
    new Dict(),
  );
  assert.equal(frame, "id: e1\nevent: progress\nretry: 2500\ndata: one\ndata: two\n\n");
  assert.equal(sseFrame("plain", Dict.of({ event: "x" })), "event: x\ndata: plain\n\n");
  assert.equal(sseFrame(Dict.of({ comment: "tick" }), new Dict()), ": tick\n\n");
  assert.equal(sseFrame(new Dict(), new Dict()), ":\n\n");
  throwsHarn(() => sseFrame(Dict.of({ id: "a\nb" }), new Dict()), /id must not contain newlines/);
  const read = parseFrame(frame);
  assert.equal(display(read.get("data")), "one\ntwo");
  assert.equal(read.get("retry_ms"), 2500);
  assert.equal(display(parseFrame(": tick\n\n").get("type")), "comment");
});

test("server path templates: braces and colons, percent-decoding, exact segments", () => {
  assert.equal(
    display(new Dict(matchTemplate("/hooks/{tenant}/:kind", "/hooks/a%20b/push")!)),
    "{kind: push, tenant: a b}",
  );
  assert.equal(matchTemplate("/hooks/{tenant}", "/hooks/a/b"), undefined);
  assert.equal(matchTemplate("/a/b", "/a/c"), undefined);
  assert.deepEqual(matchTemplate("/", "/"), new Map());
});
