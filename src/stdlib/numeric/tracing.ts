// Tracing builtins (spec: builtins "Tracing"). `trace_start(name)` pushes a
// span (8-hex-digit ids; a nested span keeps its parent's trace id) that
// log lines then carry; `trace_end(span)` pops it and logs `span_end` with
// its duration at info level. `enable_tracing`, `trace_spans` and
// `trace_summary` expose the pipeline-level span collector.

import { display } from "../../vm/display.ts";
import { thrown } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { intField, logLine } from "./logging.ts";
import { type NumericState, numericState } from "./state.ts";
import { spanValue } from "./span-collector.ts";

function hexId(state: NumericState): string {
  return Number(state.random.nextU64() >> 32n)
    .toString(16)
    .padStart(8, "0");
}

function traceStart(state: NumericState, args: Value[]): Value {
  const name = args[0] === undefined ? "" : display(args[0]);
  const traceId = state.traceStack.at(-1)?.traceId ?? hexId(state);
  const spanId = hexId(state);
  state.traceStack.push({ traceId, spanId });
  return Dict.of({ trace_id: traceId, span_id: spanId, name, start_ms: Math.floor(state.host.now()) });
}

function traceEnd(vm: Vm, state: NumericState, args: Value[]): Value {
  const span = args[0];
  if (!(span instanceof Dict)) throw thrown("trace_end: argument must be a span dict from trace_start");
  const end = Math.floor(state.host.now());
  const text = (key: string): string => (span.map.has(key) ? display(span.get(key)) : "");
  const spanId = text("span_id");
  if (state.traceStack.at(-1)?.spanId === spanId) state.traceStack.pop();
  const infoRank = 1;
  if (infoRank >= state.minLogLevel) {
    const fields = Dict.of({
      trace_id: text("trace_id"),
      span_id: spanId,
      name: text("name"),
      duration_ms: end - (intField(span, "start_ms") ?? end),
    });
    vm.write(logLine(state, "info", "span_end", fields));
  }
  return null;
}

export function registerTracing(vm: Vm): void {
  const state = numericState(vm);
  const b = vm.registerBuiltin.bind(vm);
  b("trace_start", (args) => traceStart(state, args));
  b("trace_end", (args) => traceEnd(vm, state, args));
  b("trace_id", () => state.traceStack.at(-1)?.traceId ?? null);
  b("enable_tracing", (args) => {
    const enabled = typeof args[0] === "boolean" ? args[0] : true;
    state.tracingEnabled = enabled;
    if (enabled) state.spans.reset();
    return null;
  });
  b("trace_spans", () => state.spans.spans().map(spanValue));
  b("trace_summary", () => state.spans.summary());
}
