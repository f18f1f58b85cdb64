// Date builtins (spec: builtins "Date/Time"). A timestamp is Unix seconds:
// an int when it has no fractional part, else a float; builtins also
// accept a dict with a `timestamp` field (what `date_now`/`date_in_zone`
// return). Failures are thrown strings with the reference's wording
// (`date_format: unknown timezone 'X'`). Formatting uses chrono's
// specifiers (strftime.ts), zones come from Temporal (zones.ts).

import { display, typeName } from "../../vm/display.ts";
import { thrown } from "../../vm/errors.ts";
import { Dict, Duration, HFloat, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { StdlibHost } from "../host-api.ts";
import {
  type Instant,
  inRange,
  instantFromMillis,
  instantFromSeconds,
  instantToMillis,
  type LocalTime,
  utcTime,
} from "./civil.ts";
import { durationArg } from "./durations.ts";
import { checkedCivil, parseDate, validateRanges } from "./date-parse.ts";
import { FormatError, monthName, rfc3339, strftime, weekdayName } from "./strftime.ts";
import { findZone, type Zone, zonedTime } from "./zones.ts";

const DEFAULT_FORMAT = "%Y-%m-%d %H:%M:%S";

/** The instant a timestamp argument denotes. */
export function instantArg(v: Value | undefined, builtin: string): Instant {
  if (v === undefined) throw thrown(`${builtin}: missing timestamp argument`);
  if (v instanceof Dict) return instantArg(v.map.get("timestamp"), builtin);
  if (typeof v === "number" || typeof v === "bigint") {
    const sec = Number(v);
    if (!inRange(sec)) throw thrown(`${builtin}: timestamp out of range`);
    return { sec, nsec: 0 };
  }
  if (v instanceof HFloat) {
    if (!Number.isFinite(v.v)) throw thrown(`${builtin}: timestamp must be finite`);
    const t = instantFromSeconds(v.v);
    if (!inRange(t.sec)) throw thrown(`${builtin}: timestamp out of range`);
    return t;
  }
  throw thrown(`${builtin}: expected timestamp number or date dict, got ${typeName(v)}`);
}

/** Unix seconds as the reference returns them: int when whole, float otherwise. */
export function timestampValue(t: Instant): Value {
  return t.nsec === 0 ? t.sec : new HFloat(t.sec + t.nsec / 1e9);
}

function zoneArg(v: Value, builtin: string): Zone {
  const name = display(v);
  const zone = findZone(name);
  if (!zone) throw thrown(`${builtin}: unknown timezone '${name}'`);
  return zone;
}

function requireArg(args: Value[], i: number, builtin: string, label: string): Value {
  const v = args[i];
  if (v === undefined) throw thrown(`${builtin}: missing ${label} argument`);
  return v;
}

/** An optional zone argument: missing or nil means UTC. */
function localIn(t: Instant, zone: Value | undefined, builtin: string): LocalTime {
  return zone === undefined || zone === null ? utcTime(t) : zonedTime(t, zoneArg(zone, builtin));
}

function fieldsDict(t: LocalTime): Record<string, Value> {
  return {
    year: t.year,
    month: t.month,
    day: t.day,
    hour: t.hour,
    minute: t.minute,
    second: t.second,
    weekday: t.weekday,
  };
}

function dateFormat(args: Value[]): string {
  const t = instantArg(args[0], "date_format");
  const format = args[1] === undefined ? DEFAULT_FORMAT : display(args[1]);
  const local = args.length > 2 ? zonedTime(t, zoneArg(args[2]!, "date_format")) : utcTime(t);
  try {
    return strftime(format, local);
  } catch (e) {
    if (e instanceof FormatError)
      throw thrown(`date_format: invalid format string '${format}': ${e.message}`);
    throw e;
  }
}

/** A component of `date_from_components`: an int or integral float, with an optional default. */
function component(parts: Dict, key: string, dflt?: number): number {
  const v = parts.map.get(key);
  if (v === undefined) {
    if (dflt === undefined) throw thrown(`date_from_components: missing ${key}`);
    return dflt;
  }
  if (typeof v === "number" || typeof v === "bigint") return Number(v);
  if (v instanceof HFloat && Number.isInteger(v.v)) return v.v;
  throw thrown(`date_from_components: ${key} must be an integer, got ${typeName(v)}`);
}

/** Rust's `u32::try_from(n).unwrap_or(fallback)`. */
function toU32(n: number, fallback: number): number {
  return n >= 0 && n <= 4294967295 ? n : fallback;
}

function fromComponents(args: Value[]): Value {
  const parts = args[0];
  if (parts === undefined) throw thrown("date_from_components: missing components argument");
  if (!(parts instanceof Dict)) throw thrown(`date_from_components: expected dict, got ${typeName(parts)}`);
  const zone =
    args[1] === undefined || args[1] === null ? undefined : zoneArg(args[1], "date_from_components");
  const year = component(parts, "year");
  if (year < -(2 ** 31) || year >= 2 ** 31) throw thrown("date_from_components: year out of range");
  const month = toU32(component(parts, "month"), 0);
  const day = toU32(component(parts, "day"), 0);
  const hour = toU32(component(parts, "hour", 0), 4294967295);
  const minute = toU32(component(parts, "minute", 0), 4294967295);
  const second = toU32(component(parts, "second", 0), 4294967295);
  validateRanges(month, day, hour, minute, second);
  const utc = checkedCivil(year, month, day, hour, minute, second);
  if (!zone) return timestampValue(utc);
  const t = zone.fromLocal(year, month, day, hour, minute, second);
  if (!t) throw thrown("date_from_components: local time does not exist in that timezone");
  return timestampValue(t);
}

/** Timestamp from epoch milliseconds: int seconds when whole, float otherwise. */
function millisValue(ms: number, builtin: string): Value {
  const t = instantFromMillis(ms);
  if (!inRange(t.sec)) throw thrown(`${builtin}: timestamp value out of range`);
  return timestampValue(t);
}

function nameIn(args: Value[], builtin: string, name: (t: LocalTime) => string): string {
  return name(localIn(instantArg(args[0], builtin), args[1], builtin));
}

export function registerDatetime(vm: Vm, host: StdlibHost): void {
  const b = vm.registerBuiltin.bind(vm);
  const now = (): LocalTime => utcTime(instantFromMillis(Math.floor(host.now())));
  const nowIso = (): string => rfc3339(now(), { millis: true, zulu: true });
  b("date_now", () => {
    const t = now();
    return Dict.of({
      ...fieldsDict(t),
      timestamp: new HFloat(instantToMillis(t.instant) / 1000),
      iso8601: rfc3339(t, { millis: true, zulu: true }),
    });
  });
  b("date_now_iso", nowIso);
  b("date_format", dateFormat);
  b("date_parse", (args) => timestampValue(parseDate(args[0] === undefined ? "" : display(args[0]))));
  b("date_in_zone", (args) => {
    const t = instantArg(args[0], "date_in_zone");
    const name = display(requireArg(args, 1, "date_in_zone", "timezone"));
    const local = zonedTime(t, zoneArg(name, "date_in_zone"));
    return Dict.of({
      ...fieldsDict(local),
      offset_seconds: local.offsetSec,
      timestamp: timestampValue(t),
      iso8601: rfc3339(local),
      zone: name,
    });
  });
  b("date_to_zone", (args) => {
    const t = instantArg(args[0], "date_to_zone");
    return rfc3339(zonedTime(t, zoneArg(requireArg(args, 1, "date_to_zone", "timezone"), "date_to_zone")));
  });
  b("date_from_components", fromComponents);
  b("date_add", (args) => {
    const ms = instantToMillis(instantArg(args[0], "date_add"));
    return millisValue(ms + durationArg(args[1], "date_add"), "date_add");
  });
  b("date_diff", (args) => {
    const a = instantToMillis(instantArg(args[0], "date_diff"));
    return new Duration(a - instantToMillis(instantArg(args[1], "date_diff")));
  });
  b("weekday_name", (args) => nameIn(args, "weekday_name", weekdayName));
  b("month_name", (args) => nameIn(args, "month_name", monthName));
}
