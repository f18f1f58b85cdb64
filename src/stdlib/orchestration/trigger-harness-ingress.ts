// Harness scenarios for ingress: cron ticks, signed webhooks (GitHub,
// Standard Webhooks, Slack, Linear), the inbox dedupe guard and A2A push.
// Each builds a delivery the way the sender would (signing it with the
// scenario's own secret), feeds it through verification and normalization,
// and reports what came out.

import { utf8ToBytes } from "@noble/hashes/utils.js";
import { MemoryEventLog, logEvent } from "../../runtime/events/event-log.ts";
import { normalizeA2aPush, signA2aJwt } from "../../runtime/triggers/a2a-push.ts";
import { CronTicker, parseCron } from "../../runtime/triggers/cron.ts";
import { cronTickEvent } from "../../runtime/triggers/event.ts";
import { DEFAULT_RETENTION_MS, duplicateMessage, InboxDedupe } from "../../runtime/triggers/inbox.ts";
import { normalizeInbound, PROFILES } from "../../runtime/triggers/webhook-ingress.ts";
import {
  ConnectorError,
  type InboundRequest,
  type SignatureScheme,
  signatureHeaders,
  toBase64,
} from "../../runtime/triggers/webhook-signatures.ts";
import { Dict } from "../../vm/values.ts";
import { emittedEvent, type HarnessContext, type HarnessReport, type Scenario } from "./trigger-harness.ts";

const GITHUB_SECRET = "harness-github-secret";
const STANDARD_SECRET = `whsec_${toBase64(utf8ToBytes("harness-standard-key"))}`;
const SLACK_SECRET = "harness-slack-signing-secret";
const LINEAR_SECRET = "harness-linear-secret";

/** A delivery of `body` signed under `scheme`, with extra headers. */
function delivery(
  scheme: SignatureScheme,
  secret: string,
  body: unknown,
  atMs: number,
  extra: Record<string, string> = {},
  id = "msg_harness_1",
): InboundRequest {
  const bytes = utf8ToBytes(JSON.stringify(body));
  const headers = new Map([
    ["content-type", "application/json"],
    ...Object.entries(extra),
    ...signatureHeaders(scheme, secret, bytes, atMs, id),
  ]);
  return { headers, body: bytes };
}

function githubPing(h: HarnessContext): InboundRequest {
  const body = { zen: "Keep it logically awesome.", hook_id: 42, hook: { type: "Repository", active: true } };
  return delivery("github", GITHUB_SECRET, body, h.clock.nowMs(), {
    "X-GitHub-Event": "ping",
    "X-GitHub-Delivery": "delivery-123",
  });
}

const cronFires: Scenario = (h) => {
  h.clock.set(Date.parse("2026-04-19T00:00:30Z"));
  const ticker = new CronTicker(parseCron("* * * * *", "UTC"), h.clock.nowMs());
  const emitted: Dict[] = [];
  const before = ticker.due(h.clock.nowMs());
  h.clock.advance(30_000);
  const tick = ticker.due(h.clock.nowMs());
  if (tick !== null)
    emitted.push(
      emittedEvent("cron.fixture", 1, cronTickEvent("cron.fixture", "* * * * *", tick, h.clock), null),
    );
  const first = emitted[0];
  return {
    ok: before === null && emitted.length === 1 && first?.get("occurred_at") === "2026-04-19T00:01:00Z",
    summary: "cron connector emits a normalized tick on the scheduled boundary",
    emitted,
    details: Dict.of({ clock_ms: h.clock.elapsedMs() }),
  };
};

const webhookHmac: Scenario = (h) => {
  const profile = PROFILES.github!;
  const event = normalizeInbound(profile, GITHUB_SECRET, githubPing(h), h.clock);
  const tampered = githubPing(h);
  const forged = { ...tampered, body: utf8ToBytes('{"zen":"forged"}') };
  let rejected = false;
  try {
    normalizeInbound(profile, GITHUB_SECRET, forged, h.clock);
  } catch (e) {
    rejected = e instanceof ConnectorError && e.kind === "invalid_signature";
  }
  const emitted = [emittedEvent("webhook.fixture", 1, event, "verified")];
  return {
    ok: rejected && event.get("kind") === "ping",
    summary: "webhook connector verifies a GitHub-style HMAC delivery and refuses a forged body",
    emitted,
    details: Dict.of({ provider: event.get("provider"), forged_rejected: rejected }),
  };
};

function slackMessage(h: HarnessContext): InboundRequest {
  const body = {
    type: "event_callback",
    team_id: "T0HARNESS",
    api_app_id: "A0HARNESS",
    event_id: "Ev0HARNESS",
    event: {
      type: "message",
      channel_type: "channel",
      channel: "C0HARNESS",
      user: "U0HARNESS",
      text: "hello",
      ts: "1776556800.000100",
      event_ts: "1776556800.000100",
    },
  };
  return delivery("slack", SLACK_SECRET, body, h.clock.nowMs());
}

const slackMessageScenario: Scenario = (h) => {
  const event = normalizeInbound(PROFILES.slack!, SLACK_SECRET, slackMessage(h), h.clock);
  const emitted = [emittedEvent("slack.fixture", 1, event, "verified")];
  return {
    ok: event.get("kind") === "message.channels",
    summary: "slack connector verifies the signature and emits a typed message event",
    emitted,
    details: Dict.of({ expected_kind: "message.channels" }),
  };
};

/** Slack wants an HTTP answer within 3 seconds: verify, dedupe and enqueue, then ack, dispatch later. */
const slackAck: Scenario = (h) => {
  const log = new MemoryEventLog();
  const inbox = new InboxDedupe(
    () => log,
    () => h.clock.nowMs(),
  );
  const started = h.realNowMs();
  const event = normalizeInbound(PROFILES.slack!, SLACK_SECRET, slackMessage(h), h.clock);
  const ready = inbox.claim("slack.fixture", String(event.get("dedupe_key")), 60_000);
  if (ready) {
    const pending = Dict.of({ trigger_id: "slack.fixture", binding_version: 1, event });
    log.append("triggers.harness.pending", logEvent("trigger_event", pending, h.clock.nowMs()));
  }
  const elapsed = h.realNowMs() - started;
  return {
    ok: ready && elapsed < 200,
    summary: "slack ack-first ingress path stays below 200ms before dispatch",
    details: Dict.of({ elapsed_ms: elapsed }),
  };
};

function linearIssueUpdate(h: HarnessContext, timestampMs: number): InboundRequest {
  const body = {
    action: "update",
    type: "Issue",
    organizationId: "org-harness",
    webhookId: "webhook-harness",
    webhookTimestamp: timestampMs,
    url: "https://linear.app/harness/issue/HAR-1",
    createdAt: "2026-04-19T00:00:00.000Z",
    data: { id: "issue-1", identifier: "HAR-1", title: "Retitled", priority: 1, stateId: "state-done" },
    updatedFrom: {
      title: "Original",
      priority: 3,
      stateId: "state-todo",
      updatedAt: "2026-04-18T23:00:00.000Z",
    },
  };
  return delivery("linear", LINEAR_SECRET, body, h.clock.nowMs(), { "Linear-Delivery": "linear-delivery-1" });
}

const linearUpdate: Scenario = (h) => {
  const event = normalizeInbound(
    PROFILES.linear!,
    LINEAR_SECRET,
    linearIssueUpdate(h, h.clock.nowMs()),
    h.clock,
  );
  const payload = event.get("provider_payload") as Dict;
  const changes = payload.get("changes");
  return {
    ok: event.get("kind") === "issue.update" && Array.isArray(changes) && changes.length === 3,
    summary: "linear webhook issue.update normalizes into typed payload + change-set",
    emitted: [emittedEvent("linear.fixture", 1, event, "issue_update")],
    details: Dict.of({ changes }),
  };
};

const linearWindow: Scenario = (h) => {
  let rejections = 0;
  let error = "";
  try {
    normalizeInbound(
      PROFILES.linear!,
      LINEAR_SECRET,
      linearIssueUpdate(h, h.clock.nowMs() - 10 * 60_000),
      h.clock,
    );
  } catch (e) {
    if (!(e instanceof ConnectorError)) throw e;
    if (e.kind === "timestamp_window") rejections++;
    error = e.message;
  }
  return {
    ok: rejections === 1,
    summary: "linear webhook replay window rejects stale timestamps and increments metrics",
    details: Dict.of({ error, linear_timestamp_rejections_total: rejections }),
  };
};

/** Feeds the same delivery twice through normalization and the dedupe guard. */
function twice(
  h: HarnessContext,
  profileName: string,
  secret: string,
  req: InboundRequest,
  bindingId: string,
) {
  const log = new MemoryEventLog();
  const inbox = new InboxDedupe(
    () => log,
    () => h.clock.nowMs(),
  );
  const emitted: Dict[] = [];
  const outcomes = ["first_delivery", "duplicate_delivery"].map((note) => {
    const event = normalizeInbound(PROFILES[profileName]!, secret, req, h.clock);
    const key = String(event.get("dedupe_key"));
    const admitted = inbox.claim(bindingId, key, DEFAULT_RETENTION_MS);
    if (admitted) {
      log.append("trigger.inbox.envelopes", logEvent("event_ingested", event, h.clock.nowMs()));
      emitted.push(emittedEvent(bindingId, 1, event, note));
    }
    return { admitted, key };
  });
  return { emitted, first: outcomes[0]!, second: outcomes[1]! };
}

const dedupeStandard: Scenario = (h) => {
  const body = { type: "invoice.paid", data: { id: "inv_1" } };
  const req = delivery("standard", STANDARD_SECRET, body, h.clock.nowMs(), {}, "msg_dedupe_1");
  const { emitted, first, second } = twice(h, "webhook", STANDARD_SECRET, req, "webhook.fixture");
  return {
    ok: first.admitted && !second.admitted && emitted.length === 1,
    summary: "duplicate inbound deliveries are swallowed by the dedupe guard",
    emitted,
    details: Dict.of({
      dedupe_key: first.key,
      first_claim: first.admitted,
      second_claim: second.admitted,
      duplicate_error: second.admitted ? "" : duplicateMessage(second.key, "webhook.fixture"),
    }),
  };
};

const dedupeGithub: Scenario = (h) => {
  const { emitted, first, second } = twice(
    h,
    "github",
    GITHUB_SECRET,
    githubPing(h),
    "github.webhook.fixture",
  );
  return {
    ok: first.admitted && !second.admitted && emitted[0]?.get("dedupe_key") === "delivery-123",
    summary: "duplicate GitHub-style webhook deliveries are dropped before append",
    emitted,
    details: Dict.of({
      delivery_id: first.key,
      first_appended: first.admitted,
      second_appended: second.admitted,
    }),
  };
};

const A2A_KEY = utf8ToBytes("harness-a2a-key");
const A2A_CONFIG = {
  expectedIss: "reviewer.prod",
  expectedAud: "https://orchestrator.test/a2a/review",
  expectedToken: "opaque-token",
  keys: new Map([["harness-key", A2A_KEY]]),
};

function a2aPush(h: HarnessContext, jti: string): InboundRequest {
  const now = Math.floor(h.clock.nowMs() / 1000);
  const claims = {
    iss: A2A_CONFIG.expectedIss,
    aud: A2A_CONFIG.expectedAud,
    iat: now,
    exp: now + 300,
    jti,
    token: "opaque-token",
    taskId: "task-123",
  };
  const body = utf8ToBytes(
    JSON.stringify({
      statusUpdate: { taskId: "task-123", contextId: "ctx-123", status: { state: "completed" } },
    }),
  );
  return {
    headers: new Map([
      ["authorization", `Bearer ${signA2aJwt(claims, "harness-key", A2A_KEY)}`],
      ["content-type", "application/a2a+json"],
    ]),
    body,
  };
}

function a2aInbox(h: HarnessContext): InboxDedupe {
  const log = new MemoryEventLog();
  return new InboxDedupe(
    () => log,
    () => h.clock.nowMs(),
  );
}

const a2aCompleted: Scenario = (h) => {
  const event = normalizeA2aPush(
    A2A_CONFIG,
    "a2a.push.fixture",
    a2aPush(h, "a2a-jti-completed"),
    a2aInbox(h),
    h.clock,
  );
  const payload = event.get("provider_payload") as Dict;
  return {
    ok: event.get("kind") === "a2a.task.completed" && event.get("dedupe_key") === "a2a-jti-completed",
    summary: "A2A push status updates normalize into task-state trigger events",
    emitted: [emittedEvent("a2a.push.fixture", 1, event, "completed")],
    details: Dict.of({
      task_id: payload.get("task_id"),
      task_state: payload.get("task_state"),
      kind: event.get("kind"),
      dedupe_claimed: true,
    }),
  };
};

const a2aReplay: Scenario = (h) => {
  const inbox = a2aInbox(h);
  normalizeA2aPush(A2A_CONFIG, "a2a.push.fixture", a2aPush(h, "a2a-jti-replay"), inbox, h.clock);
  let rejected = false;
  try {
    normalizeA2aPush(A2A_CONFIG, "a2a.push.fixture", a2aPush(h, "a2a-jti-replay"), inbox, h.clock);
  } catch (e) {
    rejected = e instanceof ConnectorError && e.kind === "duplicate";
  }
  return {
    ok: rejected,
    summary: "A2A push JWT jti values are single-use through the trigger inbox",
    details: Dict.of({ jti: "a2a-jti-replay", replay_rejected: rejected }),
  };
};

export const INGRESS_SCENARIOS: ReadonlyArray<readonly [string, Scenario]> = [
  ["cron_fires_on_schedule", cronFires],
  ["webhook_verifies_hmac", webhookHmac],
  ["slack_events_message", slackMessageScenario],
  ["slack_events_3s_ack", slackAck],
  ["webhook_linear_issue_update", linearUpdate],
  ["webhook_linear_timestamp_window", linearWindow],
  ["dedupe_swallows_duplicate_key", dedupeStandard],
  ["webhook_dedupe_blocks_duplicates", dedupeGithub],
  ["a2a_push_completed", a2aCompleted],
  ["a2a_push_rejects_replay", a2aReplay],
];

export type { HarnessReport };
