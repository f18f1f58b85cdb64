// A tenant's view of a shared event log: every topic it names is stored as
// `tenant.<tenant>.<topic>`, so tenants sharing one log never read or write
// each other's history. Naming another tenant's scoped topic directly is
// refused rather than silently re-scoped.

import type { EventLog, EventLogDescription, LogEvent, LogListener, LogRecord } from "./event-log.ts";
import { sanitizeTopicComponent, TopicError } from "./topic.ts";

export class TenantEventLog implements EventLog {
  readonly prefix: string;

  constructor(
    private readonly inner: EventLog,
    readonly tenantId: string,
  ) {
    this.prefix = `tenant.${sanitizeTopicComponent(tenantId)}.`;
  }

  /** The stored topic for `topic` as this tenant names it. */
  scoped(topic: string): string {
    if (topic.startsWith(this.prefix)) return topic;
    if (topic.startsWith("tenant.")) {
      throw new TopicError(`topic '${topic}' belongs to another tenant than '${this.tenantId}'`);
    }
    return `${this.prefix}${topic}`;
  }

  describe(): EventLogDescription {
    return this.inner.describe();
  }

  append(topic: string, event: LogEvent): number {
    return this.inner.append(this.scoped(topic), event);
  }

  read(topic: string, after?: number | null, limit?: number): LogRecord[] {
    return this.inner.read(this.scoped(topic), after, limit);
  }

  latest(topic: string): number | null {
    return this.inner.latest(this.scoped(topic));
  }

  topics(): string[] {
    return this.inner
      .topics()
      .filter((t) => t.startsWith(this.prefix))
      .map((t) => t.slice(this.prefix.length));
  }

  listen(topic: string, listener: LogListener): () => void {
    return this.inner.listen(this.scoped(topic), listener);
  }
}
