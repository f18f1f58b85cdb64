// Incremental decoder for `text/event-stream` (WHATWG HTML §9.2.6). Bytes
// arrive in arbitrary chunks; complete events come out. Lines end with
// CRLF, LF or CR (a CR at the end of a chunk waits for the next chunk to
// see whether an LF follows). Events without data are not dispatched, as
// the spec requires; the last event id persists across events.

export interface SseEvent {
  /** The `event:` field, "message" when absent. */
  readonly event: string;
  readonly data: string;
  /** Last event id seen on the stream, if any. */
  readonly id?: string;
  /** A `retry:` reconnection delay sent with this event. */
  readonly retryMs?: number;
}

export class SseDecoder {
  private readonly text = new TextDecoder("utf-8");
  private buffer = "";
  private data: string[] = [];
  private eventType = "";
  private lastId: string | undefined;
  private retry: number | undefined;
  private started = false;

  /** Decodes a chunk of the stream; returns the events it completed. */
  pushBytes(chunk: Uint8Array): SseEvent[] {
    return this.push(this.text.decode(chunk, { stream: true }));
  }

  push(chunk: string): SseEvent[] {
    let input = this.buffer + chunk;
    if (!this.started && input.length > 0) {
      // A byte-order mark may open the stream.
      if (input.charCodeAt(0) === 0xfeff) input = input.slice(1);
      this.started = true;
    }
    const events: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < input.length; i++) {
      const c = input.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      if (c === 13 && i === input.length - 1) break;
      this.line(input.slice(start, i), events);
      if (c === 13 && input.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
    this.buffer = input.slice(start);
    return events;
  }

  /** End of stream: an unterminated final event is dropped, as the spec says. */
  end(): SseEvent[] {
    this.buffer = "";
    this.data = [];
    this.eventType = "";
    return [];
  }

  private line(line: string, events: SseEvent[]): void {
    if (line === "") {
      this.dispatch(events);
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "event":
        this.eventType = value;
        break;
      case "data":
        this.data.push(value);
        break;
      case "id":
        if (!value.includes("\0")) this.lastId = value;
        break;
      case "retry":
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
      default:
        break;
    }
  }

  private dispatch(events: SseEvent[]): void {
    const retryMs = this.retry;
    this.retry = undefined;
    if (this.data.length === 0) {
      this.eventType = "";
      return;
    }
    events.push({
      event: this.eventType === "" ? "message" : this.eventType,
      data: this.data.join("\n"),
      ...(this.lastId !== undefined && this.lastId !== "" && { id: this.lastId }),
      ...(retryMs !== undefined && { retryMs }),
    });
    this.data = [];
    this.eventType = "";
  }
}
