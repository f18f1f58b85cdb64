// Webhook signature schemes against the vendors' published test vectors,
// signing round trips, timestamp windows, Linear normalization, cron
// schedules and the inbox dedupe guard.

import assert from "node:assert/strict";
import { test } from "node:test";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import type { Dict } from "../../vm/values.ts";
import { MemoryEventLog } from "../events/event-log.ts";
import { nextFire, parseCron } from "./cron.ts";
import { InboxDedupe } from "./inbox.ts";
import { VirtualClock } from "./virtual-clock.ts";
import { normalizeInbound, PROFILES } from "./webhook-ingress.ts";
import {
  ConnectorError,
  type InboundRequest,
  signatureHeaders,
  verifySignature,
} from "./webhook-signatures.ts";

const req = (headers: Record<string, string>, body: string): InboundRequest => ({
  headers: new Map(Object.entries(headers)),
  body: utf8ToBytes(body),
});

test("GitHub's documented example signature verifies", () => {
  const sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
  verifySignature(
    "github",
    "It's a Secret to Everybody",
    req({ "X-Hub-Signature-256": sig }, "Hello, World!"),
    0,
    300,
  );
  assert.throws(
    () =>
      verifySignature(
        "github",
        "It's a Secret to Everybody",
        req({ "x-hub-signature-256": sig }, "Hello, World?"),
        0,
        300,
      ),
    (e: unknown) => e instanceof ConnectorError && e.kind === "invalid_signature",
  );
});

test("Slack's documented example signature verifies inside the window only", () => {
  const body =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
  const headers = {
    "X-Slack-Signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    "X-Slack-Request-Timestamp": "1531420618",
  };
  verifySignature("slack", "8f742231b10e8888abcd99yyyzzz85a5", req(headers, body), 1531420618_000, 300);
  assert.throws(
    () =>
      verifySignature(
        "slack",
        "8f742231b10e8888abcd99yyyzzz85a5",
        req(headers, body),
        1531420618_000 + 301_000,
        300,
      ),
    /outside the allowed verification window of 300s/,
  );
});

test("the Standard Webhooks test vector verifies", () => {
  const headers = {
    "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
    "webhook-timestamp": "1614265330",
    "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
  };
  verifySignature(
    "standard",
    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    req(headers, '{"test": 2432232314}'),
    1614265330_000,
    300,
  );
});

test("signers and verifiers agree for every scheme", () => {
  const body = utf8ToBytes('{"webhookTimestamp": 5000, "ok": true}');
  for (const scheme of ["github", "notion", "linear", "slack", "standard"] as const) {
    const headers = signatureHeaders(scheme, "s3cret", body, 5_000, "id-1");
    verifySignature(scheme, "s3cret", { headers, body }, 5_000, 60);
    assert.throws(() => verifySignature(scheme, "other", { headers, body }, 5_000, 60), ConnectorError);
  }
  assert.throws(
    () => verifySignature("github", "s", req({}, "{}"), 0, 60),
    /missing required header `X-Hub-Signature-256`/,
  );
});

test("a Linear issue update becomes issue.update with its change set", () => {
  const clock = new VirtualClock(1_000_000);
  const body = JSON.stringify({
    type: "Issue",
    action: "update",
    webhookTimestamp: 1_000_000,
    data: { id: "i1" },
    updatedFrom: { labelIds: ["a"], customField: 1, updatedAt: "x" },
  });
  const bytes = utf8ToBytes(body);
  const headers = new Map([...signatureHeaders("linear", "k", bytes, 0), ["Linear-Delivery", "d-1"]]);
  const event = normalizeInbound(PROFILES.linear!, "k", { headers, body: bytes }, clock);
  assert.equal(event.get("kind"), "issue.update");
  assert.equal(event.get("dedupe_key"), "d-1");
  const changes = (event.get("provider_payload") as Dict).get("changes") as Dict[];
  assert.deepEqual(
    changes.map((c) => [c.get("field_name"), c.get("field")]),
    [
      ["other", "customField"],
      ["label_ids", null],
    ],
  );
});

test("cron schedules find the next boundary, in UTC and in a zone", () => {
  const at = (iso: string): number => Date.parse(iso);
  const iso = (ms: number): string => new Date(ms).toISOString();
  assert.equal(iso(nextFire(parseCron("* * * * *"), at("2026-04-19T00:00:30Z"))), "2026-04-19T00:01:00.000Z");
  assert.equal(
    iso(nextFire(parseCron("*/15 9-17 * * MON-FRI"), at("2026-04-18T12:00:00Z"))),
    "2026-04-20T09:00:00.000Z",
  );
  assert.equal(
    iso(nextFire(parseCron("0 0 29 FEB *"), at("2026-03-01T00:00:00Z"))),
    "2028-02-29T00:00:00.000Z",
  );
  // Day of month OR day of week when both are restricted.
  assert.equal(
    iso(nextFire(parseCron("0 12 1 * SUN"), at("2026-04-19T13:00:00Z"))),
    "2026-04-26T12:00:00.000Z",
  );
  assert.equal(
    iso(nextFire(parseCron("30 9 * * *", "America/New_York"), at("2026-07-01T00:00:00Z"))),
    "2026-07-01T13:30:00.000Z",
  );
  assert.throws(() => parseCron("* * *"), /must have 5 fields/);
  assert.throws(() => parseCron("61 * * * *"), /outside 0-59/);
  assert.throws(() => parseCron("* * * * *", "Mars/Olympus"), /unknown time zone/);
});

test("the inbox admits a delivery once per retention window", () => {
  const clock = new VirtualClock(0);
  const log = new MemoryEventLog();
  const inbox = new InboxDedupe(
    () => log,
    () => clock.nowMs(),
  );
  assert.equal(inbox.claim("b", "k", 1_000), true);
  assert.equal(inbox.claim("b", "k", 1_000), false);
  assert.equal(inbox.claim("other", "k", 1_000), true, "keys are per binding");
  clock.advance(1_001);
  assert.equal(inbox.claim("b", "k", 1_000), true, "an expired claim no longer blocks");
});
