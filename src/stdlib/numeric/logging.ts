// Structured logging and timers (spec: builtins "Structured logging",
// "Timers"). `log_debug/info/warn/error(msg, fields?)` append one JSON line
// `{"ts":…,"level":…,"msg":…[,"trace_id","span_id"][,fields…]}` to the
// program output when the level is at or above `log_set_level`;
// `timer_end` prints `[timer] <name>: <N>ms`. Both go through `vm.write`
// so they interleave with `println` output exactly as in the reference.

import { display } from "../../vm/display.ts";
import { thrown } from "../../vm/errors.ts";
import { formatFloat } from "../../vm/numbers.ts";
import { Dict, HFloat, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { instantFromMillis, utcTime } from "./civil.ts";
import { LOG_LEVELS, type NumericState, numericState } from "./state.ts";
import { rfc3339 } from "./strftime.ts";

/** A JSON string literal, escaping like the reference (control characters as `\u00XX`). */
export function jsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Rust's `f64` Display: like Harn's float text but without the `.0` on integral values. */
export function rustFloatText(x: number): string {
  const text = formatFloat(x);
  return text.endsWith(".0") ? text.slice(0, -2) : text;
}

/** A field value as a JSON fragment: scalars natively, anything else as its display string. */
export function jsonFragment(v: Value): string {
  if (v === null) return "null";
  if (typeof v === "string") return jsonString(v);
  if (typeof v === "boolean" || typeof v === "number" || typeof v === "bigint") return String(v);
  if (v instanceof HFloat) return Number.isFinite(v.v) ? rustFloatText(v.v) : "null";
  return jsonString(display(v));
}

function timestampNow(state: NumericState): string {
  return rfc3339(utcTime(instantFromMillis(Math.floor(state.host.now()))), { millis: true, zulu: true });
}

/** One structured log line, newline-terminated. */
export function logLine(state: NumericState, level: string, msg: string, fields?: Dict): string {
  const parts = [
    `"ts":${jsonString(timestampNow(state))}`,
    `"level":${jsonString(level)}`,
    `"msg":${jsonString(msg)}`,
  ];
  const trace = state.traceStack.at(-1);
  if (trace) parts.push(`"trace_id":${jsonString(trace.traceId)}`, `"span_id":${jsonString(trace.spanId)}`);
  if (fields) for (const k of fields.keys()) parts.push(`${jsonString(k)}:${jsonFragment(fields.get(k))}`);
  return `{${parts.join(",")}}\n`;
}

function registerLogging(vm: Vm, state: NumericState): void {
  LOG_LEVELS.forEach((level, rank) => {
    vm.registerBuiltin(`log_${level}`, (args) => {
      if (rank < state.minLogLevel) return null;
      const fields = args[1] instanceof Dict ? args[1] : undefined;
      vm.write(logLine(state, level, args[0] === undefined ? "" : display(args[0]), fields));
      return null;
    });
  });
  vm.registerBuiltin("log_set_level", (args) => {
    const level = args[0] === undefined ? "" : display(args[0]);
    const rank = (LOG_LEVELS as readonly string[]).indexOf(level);
    if (rank < 0) {
      throw thrown(`log_set_level: invalid level '${level}'. Expected debug, info, warn, or error`);
    }
    state.minLogLevel = rank;
    return null;
  });
  vm.registerBuiltin("log_json", (args) => {
    const key = args[0] === undefined ? "" : display(args[0]);
    const value = jsonFragment(args[1] ?? null);
    vm.write(`{"ts":${jsonString(timestampNow(state))},"key":${jsonString(key)},"value":${value}}\n`);
    return null;
  });
}

/** An int field of a dict as a number, if it is one. */
export function intField(d: Dict, key: string): number | undefined {
  const v = d.map.get(key);
  return typeof v === "number" || typeof v === "bigint" ? Number(v) : undefined;
}

function registerTimers(vm: Vm, state: NumericState): void {
  vm.registerBuiltin("timer_start", (args) =>
    Dict.of({
      name: args[0] === undefined ? "default" : display(args[0]),
      start_ms: Math.floor(state.host.now()),
    }),
  );
  vm.registerBuiltin("timer_end", (args) => {
    const timer = args[0];
    if (!(timer instanceof Dict)) throw thrown("timer_end: argument must be a timer dict from timer_start");
    const now = Math.floor(state.host.now());
    const elapsed = now - (intField(timer, "start_ms") ?? now);
    const name = timer.map.has("name") ? display(timer.get("name")) : "";
    vm.write(`[timer] ${name}: ${elapsed}ms\n`);
    return elapsed;
  });
}

export function registerLoggingAndTimers(vm: Vm): void {
  const state = numericState(vm);
  registerLogging(vm, state);
  registerTimers(vm, state);
}
