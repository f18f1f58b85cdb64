// The trigger inbox's dedupe guard: a delivery is admitted once per
// (binding, dedupe key) within the retention window. Claims are events in
// `trigger.inbox.claims`, so a restarted process (with a durable log) still
// refuses deliveries it already accepted.

import { Dict } from "../../vm/values.ts";
import type { EventLog } from "../events/event-log.ts";
import { logEvent } from "../events/event-log.ts";

export const INBOX_CLAIMS_TOPIC = "trigger.inbox.claims";
/** Seven days, the reference's default retention. */
export const DEFAULT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export class InboxDedupe {
  constructor(
    private readonly log: () => EventLog,
    private readonly nowMs: () => number,
  ) {}

  private claimed(bindingId: string, key: string, now: number): boolean {
    return this.log()
      .read(INBOX_CLAIMS_TOPIC)
      .some(({ event }) => {
        const p = event.payload;
        if (!(p instanceof Dict)) return false;
        const expires = p.get("expires_at_ms");
        return (
          p.get("binding_id") === bindingId &&
          p.get("dedupe_key") === key &&
          typeof expires === "number" &&
          expires > now
        );
      });
  }

  /** True (and recorded) for the first delivery of `key` to `bindingId`; false for a duplicate. */
  claim(bindingId: string, key: string, retentionMs = DEFAULT_RETENTION_MS): boolean {
    const now = this.nowMs();
    if (this.claimed(bindingId, key, now)) return false;
    const payload = Dict.of({
      binding_id: bindingId,
      dedupe_key: key,
      claimed_at_ms: now,
      expires_at_ms: now + retentionMs,
    });
    this.log().append(INBOX_CLAIMS_TOPIC, logEvent("dedupe_claim", payload, now));
    return true;
  }
}

/** The message a dropped duplicate reports. */
export function duplicateMessage(key: string, bindingId: string): string {
  return `duplicate delivery \`${key}\` for binding \`${bindingId}\` dropped by post-normalize dedupe`;
}
