// Turning a verified inbound webhook into a TriggerEvent. Each provider
// profile says how deliveries are signed, what the event kind is and what
// identifies a delivery for deduplication:
//
//   webhook/github  kind: X-GitHub-Event, else the body's `type` / `event`;
//                   dedupe: X-GitHub-Delivery (github) or webhook-id (standard)
//   slack           kind: `message.<channels|groups|im|mpim>` for messages,
//                   else the inner event's type; dedupe: the body's event_id
//   linear          kind: `<type>.<action>` (Issue/update -> issue.update);
//                   dedupe: Linear-Delivery; issue updates list their changes
//
// Deliveries without a recognisable id dedupe on a digest of the body.

import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { Dict, type Value } from "../../vm/values.ts";
import { fromJsonTree } from "../events/json-data.ts";
import { isoAt, type TriggerClock } from "./event.ts";
import {
  ConnectorError,
  header,
  type InboundRequest,
  type SignatureScheme,
  verifySignature,
} from "./webhook-signatures.ts";

export interface ProviderProfile {
  readonly provider: string;
  readonly scheme: SignatureScheme;
  readonly toleranceSecs: number;
}

export const PROFILES: Readonly<Record<string, ProviderProfile>> = {
  github: { provider: "github", scheme: "github", toleranceSecs: 300 },
  webhook: { provider: "webhook", scheme: "standard", toleranceSecs: 300 },
  slack: { provider: "slack", scheme: "slack", toleranceSecs: 300 },
  linear: { provider: "linear", scheme: "linear", toleranceSecs: 75 },
  notion: { provider: "notion", scheme: "notion", toleranceSecs: 300 },
};

type Json = Record<string, unknown>;

function parseBody(req: InboundRequest): Json {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(req.body)) as unknown;
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Json) : {};
  } catch {
    throw new ConnectorError("invalid_body", "webhook body is not valid JSON");
  }
}

const str = (j: unknown): string | null => (typeof j === "string" ? j : null);

const SLACK_CHANNEL_KINDS: Record<string, string> = {
  channel: "message.channels",
  group: "message.groups",
  im: "message.im",
  mpim: "message.mpim",
};

/** Linear's `updatedFrom` keys, snake_cased, as the typed change list. */
const LINEAR_FIELDS: Record<string, string> = {
  title: "title",
  description: "description",
  priority: "priority",
  estimate: "estimate",
  stateId: "state_id",
  teamId: "team_id",
  assigneeId: "assignee_id",
  projectId: "project_id",
  cycleId: "cycle_id",
  dueDate: "due_date",
  parentId: "parent_id",
  sortOrder: "sort_order",
  labelIds: "label_ids",
  completedAt: "completed_at",
};

function linearChanges(body: Json): Value[] {
  const from = body.updatedFrom;
  if (from === null || typeof from !== "object") return [];
  return Object.entries(from as Json)
    .filter(([key]) => key !== "updatedAt")
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, previous]) => {
      const known = LINEAR_FIELDS[key];
      return known === undefined
        ? Dict.of({ field_name: "other", field: key, previous: fromJsonTree(previous) })
        : Dict.of({ field_name: known, previous: fromJsonTree(previous) });
    });
}

function kindAndPayload(
  profile: ProviderProfile,
  req: InboundRequest,
  body: Json,
): { kind: string; payload: Dict } {
  const raw = fromJsonTree(body);
  switch (profile.provider) {
    case "slack": {
      const inner = (body.event ?? {}) as Json;
      const type = str(inner.type) ?? str(body.type) ?? "event";
      const channelKind = type === "message" ? SLACK_CHANNEL_KINDS[str(inner.channel_type) ?? ""] : undefined;
      const payload = Dict.of({
        provider: "slack",
        event: type,
        event_id: str(body.event_id),
        api_app_id: str(body.api_app_id),
        team_id: str(body.team_id),
        channel_id: str(inner.channel),
        user_id: str(inner.user),
        event_ts: str(inner.event_ts),
        raw,
      });
      return { kind: channelKind ?? type, payload };
    }
    case "linear": {
      const type = (str(body.type) ?? "event").toLowerCase();
      const action = str(body.action) ?? "update";
      const payload = Dict.of({
        provider: "linear",
        event: type,
        action,
        delivery_id: header(req, "Linear-Delivery") ?? null,
        organization_id: str(body.organizationId),
        webhook_timestamp: typeof body.webhookTimestamp === "number" ? body.webhookTimestamp : null,
        webhook_id: str(body.webhookId),
        url: str(body.url),
        created_at: str(body.createdAt),
        actor: fromJsonTree(body.actor),
        ...(type === "issue" && { issue: fromJsonTree(body.data), changes: linearChanges(body) }),
        raw,
      });
      return { kind: `${type}.${action}`, payload };
    }
    default: {
      const kind = header(req, "X-GitHub-Event") ?? str(body.type) ?? str(body.event) ?? "webhook";
      const payload =
        profile.provider === "github"
          ? Dict.of({
              provider: "github",
              event: kind,
              action: str(body.action),
              delivery_id: header(req, "X-GitHub-Delivery") ?? null,
              installation_id: null,
              raw,
            })
          : Dict.of({
              provider: profile.provider,
              source: "webhook",
              content_type: header(req, "content-type") ?? null,
              raw,
            });
      return { kind, payload };
    }
  }
}

function dedupeKey(profile: ProviderProfile, req: InboundRequest, body: Json): string {
  const fromDelivery =
    profile.scheme === "github"
      ? header(req, "X-GitHub-Delivery")
      : profile.scheme === "standard"
        ? header(req, "webhook-id")
        : profile.scheme === "slack"
          ? (str(body.event_id) ?? undefined)
          : profile.scheme === "linear"
            ? header(req, "Linear-Delivery")
            : undefined;
  return fromDelivery ?? `sha256:${bytesToHex(sha256(req.body))}`;
}

/** Verifies `req` and returns its TriggerEvent; throws ConnectorError when it must be refused. */
export function normalizeInbound(
  profile: ProviderProfile,
  secret: string,
  req: InboundRequest,
  clock: TriggerClock,
): Dict {
  const now = clock.nowMs();
  verifySignature(profile.scheme, secret, req, now, profile.toleranceSecs);
  const body = parseBody(req);
  const { kind, payload } = kindAndPayload(profile, req, body);
  const headers = new Map<string, Value>();
  for (const [k, v] of req.headers) headers.set(k, v);
  return Dict.of({
    id: `trigger_evt_${clock.uuid()}`,
    provider: profile.provider,
    kind,
    received_at: isoAt(now),
    occurred_at: null,
    dedupe_key: dedupeKey(profile, req, body),
    trace_id: `trace_${clock.uuid()}`,
    tenant_id: null,
    headers: new Dict(headers),
    provider_payload: payload,
    signature_status: Dict.of({ state: "verified" }),
  });
}
