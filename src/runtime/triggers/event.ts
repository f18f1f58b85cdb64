// Trigger events. `trigger_fire(handle, {provider, kind, ...})` accepts a
// partial event; normalisation fills in what an inbound connector would
// have set (id, receipt time, dedupe key, trace id, headers, an unsigned
// signature status and a provider payload built from the raw event) and
// keeps only the TriggerEvent fields, so every handler sees one shape.

import { typeName } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { toJsonData } from "../events/json-data.ts";

/** Clock and id source, injected so tests and replays can pin them. */
export interface TriggerClock {
  nowMs(): number;
  uuid(): string;
}

export function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}

const FIELDS = [
  "id",
  "provider",
  "kind",
  "received_at",
  "occurred_at",
  "dedupe_key",
  "trace_id",
  "tenant_id",
  "headers",
  "batch",
  "raw_body",
  "provider_payload",
  "signature_status",
] as const;

function text(d: Dict, key: string): string | null {
  const v = d.get(key);
  return typeof v === "string" ? v : null;
}

/** The provider payload a connector would have produced from `raw`. */
function providerPayload(provider: string, kind: string, raw: Value, nowIso: string): Dict {
  const nulls = (...keys: string[]): Record<string, Value> => Object.fromEntries(keys.map((k) => [k, null]));
  switch (provider) {
    case "github":
      return Dict.of({ provider, event: kind, ...nulls("action", "delivery_id", "installation_id"), raw });
    case "slack":
      return Dict.of({
        provider,
        event: kind,
        ...nulls("event_id", "api_app_id", "team_id", "channel_id", "user_id", "event_ts"),
        raw,
      });
    case "linear": {
      const [event, action] = kind.split(".");
      return Dict.of({
        provider,
        event: event ?? kind,
        action: action ?? "update",
        ...nulls(
          "delivery_id",
          "organization_id",
          "webhook_id",
          "url",
          "created_at",
          "actor",
          "webhook_timestamp",
        ),
        raw,
      });
    }
    case "notion":
      return Dict.of({
        provider,
        event: kind,
        ...nulls(
          "workspace_id",
          "request_id",
          "subscription_id",
          "integration_id",
          "attempt_number",
          "entity_id",
          "entity_type",
          "api_version",
          "verification_token",
          "polled",
        ),
        raw,
      });
    case "cron":
      return Dict.of({ provider, cron_id: null, schedule: null, tick_at: nowIso, raw });
    case "webhook":
      return Dict.of({ provider, source: "trigger_fire", content_type: "application/json", raw });
    case "a2a-push":
      return Dict.of({
        provider,
        ...nulls("task_id", "task_state", "artifact", "sender"),
        raw,
        kind: "a2a.task.update",
      });
    default:
      return Dict.of({ provider, schema_name: "TriggerEvent", raw });
  }
}

/** A complete TriggerEvent dict from what `trigger_fire` was given. */
export function normalizeTriggerEvent(input: Value | undefined, clock: TriggerClock): Dict {
  if (!(input instanceof Dict)) {
    throw runtimeError("trigger_fire: trigger event must be a dict-like value");
  }
  const provider = text(input, "provider");
  if (provider === null) throw runtimeError("trigger_fire: trigger event is missing string field `provider`");
  const kind = text(input, "kind");
  if (kind === null) throw runtimeError("trigger_fire: trigger event is missing string field `kind`");
  const raw = toJsonData(input);
  const headers = input.get("headers");
  if (headers !== null) {
    const ok = headers instanceof Dict && [...headers.map.values()].every((h) => typeof h === "string");
    if (!ok) {
      throw runtimeError(
        `trigger_fire: trigger event parse error: headers must be a dict of strings, got ${typeName(headers)}`,
      );
    }
  }
  const nowIso = isoAt(clock.nowMs());
  const defaults: Record<string, Value> = {
    id: `trigger_evt_${clock.uuid()}`,
    received_at: nowIso,
    occurred_at: null,
    dedupe_key: `synthetic:${provider}:${kind}:${clock.uuid()}`,
    trace_id: `trace_${clock.uuid()}`,
    tenant_id: null,
    headers: new Dict(),
    signature_status: Dict.of({ state: "unsigned" }),
  };
  const out = new Map<string, Value>();
  for (const key of FIELDS) {
    const given = input.map.get(key);
    if (given !== undefined && given !== null) out.set(key, toJsonData(given));
    else if (key in defaults) out.set(key, defaults[key]!);
  }
  if (!out.has("provider_payload")) out.set("provider_payload", providerPayload(provider, kind, raw, nowIso));
  return new Dict(out);
}

/** Field accessors for a normalised event. */
export const eventId = (e: Dict): string => text(e, "id") ?? "";
export const eventProvider = (e: Dict): string => text(e, "provider") ?? "";
export const eventKind = (e: Dict): string => text(e, "kind") ?? "";
export const eventTraceId = (e: Dict): string => text(e, "trace_id") ?? "";
export const eventTenant = (e: Dict): string | null => text(e, "tenant_id");

/** RFC 3339 in UTC without a fraction when the time is on a whole second. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

/** The TriggerEvent of a cron tick for `bindingId` at `tickMs`. */
export function cronTickEvent(
  bindingId: string,
  schedule: string,
  tickMs: number,
  clock: TriggerClock,
): Dict {
  const tickAt = rfc3339(tickMs);
  return Dict.of({
    id: `trigger_evt_${clock.uuid()}`,
    provider: "cron",
    kind: "tick",
    received_at: rfc3339(clock.nowMs()),
    occurred_at: tickAt,
    dedupe_key: `${bindingId}:${tickAt}`,
    trace_id: `trace_${clock.uuid()}`,
    tenant_id: null,
    headers: new Dict(),
    provider_payload: Dict.of({
      provider: "cron",
      cron_id: bindingId,
      schedule,
      tick_at: tickAt,
      raw: new Dict(),
    }),
    signature_status: Dict.of({ state: "unsigned" }),
  });
}
