// Pipeline-level tracing spans (`enable_tracing`, `trace_spans`,
// `trace_summary`): a collector of open and completed spans that forms a
// tree through parent ids. The runtime reports spans through `start`/`end`
// when tracing is enabled; the builtins only read what was collected.

import { Dict, type Value } from "../../vm/values.ts";

export type SpanKind = "pipeline" | "fn_call" | "llm_call" | "tool_call" | "import" | "parallel" | "spawn";

export interface Span {
  readonly spanId: number;
  readonly parentId: number | null;
  readonly kind: SpanKind;
  readonly name: string;
  /** Start, in ms since the collector was reset. */
  readonly startMs: number;
  readonly durationMs: number;
}

interface OpenSpan {
  readonly spanId: number;
  readonly parentId: number | null;
  readonly kind: SpanKind;
  readonly name: string;
  readonly startedAt: number;
}

export class SpanCollector {
  private nextId = 1;
  private active: number[] = [];
  private readonly open = new Map<number, OpenSpan>();
  private completed: Span[] = [];
  private epoch = now();

  /** Opens a span under the current one and makes it current; returns its id. */
  start(kind: SpanKind, name: string): number {
    const spanId = this.nextId++;
    const parentId = this.active.at(-1) ?? null;
    this.open.set(spanId, { spanId, parentId, kind, name, startedAt: now() });
    this.active.push(spanId);
    return spanId;
  }

  end(spanId: number): void {
    const span = this.open.get(spanId);
    if (!span) return;
    this.open.delete(spanId);
    const t = now();
    this.completed.push({
      spanId,
      parentId: span.parentId,
      kind: span.kind,
      name: span.name,
      startMs: Math.floor(span.startedAt - this.epoch),
      durationMs: Math.floor(t - span.startedAt),
    });
    const at = this.active.lastIndexOf(spanId);
    if (at >= 0) this.active.splice(at, 1);
  }

  spans(): readonly Span[] {
    return this.completed;
  }

  reset(): void {
    this.nextId = 1;
    this.active = [];
    this.open.clear();
    this.completed = [];
    this.epoch = now();
  }

  /** The indented tree `trace_summary()` prints. */
  summary(): string {
    if (this.completed.length === 0) return "No spans recorded.";
    const total = this.completed.filter((s) => s.parentId === null).reduce((n, s) => n + s.durationMs, 0);
    const lines = [`Trace: ${this.completed.length} spans, ${total}ms total`, ""];
    const walk = (parent: number | null, depth: number): void => {
      for (const s of this.completed) {
        if (s.parentId !== parent) continue;
        lines.push(`${"  ".repeat(depth)}${s.kind} ${s.name} ${s.durationMs}ms`);
        walk(s.spanId, depth + 1);
      }
    };
    walk(null, 0);
    return lines.join("\n");
  }
}

/** A completed span as the dict `trace_spans()` returns. */
export function spanValue(span: Span): Value {
  return Dict.of({
    span_id: span.spanId,
    parent_id: span.parentId,
    kind: span.kind,
    name: span.name,
    start_ms: span.startMs,
    duration_ms: span.durationMs,
  });
}

function now(): number {
  return globalThis.performance.now();
}
