// chrono-compatible `strftime` (spec: builtins "Date/Time"; the specifier
// set of chrono's `format::strftime`). Beyond C's set it has chrono's
// extensions: `%.f` (fraction with as many digits as needed), `%.3f`/`%3f`
// and friends (fixed digits, truncated), `%:z`/`%::z`/`%:::z` offsets,
// `%s`, `%+` (RFC 3339), and the padding modifiers `%-d` (none), `%_d`
// (spaces) and `%0e` (zeros) on numeric fields. No JavaScript date library
// implements these, hence this file.

import { isLeapYear, type LocalTime } from "./civil.ts";

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

export function weekdayName(t: LocalTime): string {
  return WEEKDAYS[t.weekday]!;
}

export function monthName(t: LocalTime): string {
  return MONTHS[t.month - 1]!;
}

/** Thrown for a malformed format string; the caller words the error. */
export class FormatError extends Error {}

type Pad = "zero" | "space" | "none";

/** A numeric field: its value, its natural width and its default padding. */
interface NumericField {
  readonly value: number;
  readonly width: number;
  readonly pad: Pad;
  /** Years outside 0..=9999 print with an explicit sign (ISO 8601). */
  readonly signedYear?: boolean;
}

/** ISO 8601 week-numbering year and week. */
function isoWeek(t: LocalTime): { year: number; week: number } {
  const isoWeekday = t.weekday === 0 ? 7 : t.weekday;
  // The Thursday of this week decides which year the week belongs to.
  const thursdayOrdinal = t.ordinal - isoWeekday + 4;
  const daysInYear = (y: number): number => (isLeapYear(y) ? 366 : 365);
  if (thursdayOrdinal < 1) {
    const year = t.year - 1;
    return { year, week: Math.floor((thursdayOrdinal + daysInYear(year) - 1) / 7) + 1 };
  }
  if (thursdayOrdinal > daysInYear(t.year)) return { year: t.year + 1, week: 1 };
  return { year: t.year, week: Math.floor((thursdayOrdinal - 1) / 7) + 1 };
}

function numericField(spec: string, t: LocalTime): NumericField | undefined {
  const zero = (value: number, width: number): NumericField => ({ value, width, pad: "zero" });
  switch (spec) {
    case "Y":
      return { value: t.year, width: 4, pad: "zero", signedYear: true };
    case "C":
      return zero(Math.floor(t.year / 100), 2);
    case "y":
      return zero(((t.year % 100) + 100) % 100, 2);
    case "G":
      return { value: isoWeek(t).year, width: 4, pad: "zero", signedYear: true };
    case "g":
      return zero(((isoWeek(t).year % 100) + 100) % 100, 2);
    case "V":
      return zero(isoWeek(t).week, 2);
    case "m":
      return zero(t.month, 2);
    case "d":
      return zero(t.day, 2);
    case "e":
      return { value: t.day, width: 2, pad: "space" };
    case "j":
      return zero(t.ordinal, 3);
    case "U":
      return zero(Math.floor((t.ordinal - 1 + 7 - t.weekday) / 7), 2);
    case "W":
      return zero(Math.floor((t.ordinal - 1 + 7 - ((t.weekday + 6) % 7)) / 7), 2);
    case "w":
      return { value: t.weekday, width: 1, pad: "none" };
    case "u":
      return { value: t.weekday === 0 ? 7 : t.weekday, width: 1, pad: "none" };
    case "H":
      return zero(t.hour, 2);
    case "k":
      return { value: t.hour, width: 2, pad: "space" };
    case "I":
      return zero(hour12(t), 2);
    case "l":
      return { value: hour12(t), width: 2, pad: "space" };
    case "M":
      return zero(t.minute, 2);
    case "S":
      return zero(t.second, 2);
    case "f":
      return zero(t.nsec, 9);
    case "s":
      return { value: t.instant.sec, width: 1, pad: "none" };
    default:
      return undefined;
  }
}

function hour12(t: LocalTime): number {
  const h = t.hour % 12;
  return h === 0 ? 12 : h;
}

function renderNumeric(field: NumericField, pad: Pad): string {
  const { value, signedYear } = field;
  if (signedYear && (value < 0 || value > 9999)) {
    const digits = String(Math.abs(value));
    const sign = value < 0 ? "-" : "+";
    if (pad === "zero") return sign + digits.padStart(field.width, "0");
    if (pad === "space") return (sign + digits).padStart(field.width + 1, " ");
    return sign + digits;
  }
  const text = String(Math.abs(value));
  const signed = value < 0 ? `-${text}` : text;
  if (pad === "none") return signed;
  if (pad === "space") return signed.padStart(field.width, " ");
  return value < 0 ? `-${text.padStart(field.width - 1, "0")}` : text.padStart(field.width, "0");
}

/** `+hh:mm` style offsets; `precision` "minutes" rounds stray seconds like chrono. */
export function formatOffset(
  offsetSec: number,
  colon: boolean,
  precision: "hours" | "minutes" | "seconds",
): string {
  const sign = offsetSec < 0 ? "-" : "+";
  const abs = Math.abs(offsetSec);
  const sep = colon ? ":" : "";
  const two = (n: number): string => String(n).padStart(2, "0");
  if (precision === "seconds") {
    return `${sign}${two(Math.floor(abs / 3600))}${sep}${two(Math.floor(abs / 60) % 60)}${sep}${two(abs % 60)}`;
  }
  const minutes = Math.floor((abs + 30) / 60);
  if (precision === "hours") return `${sign}${two(Math.floor(minutes / 60))}`;
  return `${sign}${two(Math.floor(minutes / 60))}${sep}${two(minutes % 60)}`;
}

/** Fraction of a second with 3, 6 or 9 digits (truncated), or chrono's automatic choice. */
export function fraction(nsec: number, digits: 0 | 3 | 6 | 9): string {
  if (digits === 0) {
    if (nsec === 0) return "";
    if (nsec % 1_000_000 === 0) return String(nsec / 1_000_000).padStart(3, "0");
    if (nsec % 1000 === 0) return String(nsec / 1000).padStart(6, "0");
    return String(nsec).padStart(9, "0");
  }
  return String(Math.floor(nsec / 10 ** (9 - digits))).padStart(digits, "0");
}

/** RFC 3339 as chrono's `to_rfc3339` writes it (fraction only when non-zero). */
export function rfc3339(t: LocalTime, opts: { millis?: boolean; zulu?: boolean } = {}): string {
  const date = `${renderNumeric({ value: t.year, width: 4, pad: "zero", signedYear: true }, "zero")}-${pad2(t.month)}-${pad2(t.day)}`;
  const frac = opts.millis ? `.${fraction(t.nsec, 3)}` : t.nsec === 0 ? "" : `.${fraction(t.nsec, 0)}`;
  const zone = opts.zulu && t.offsetSec === 0 ? "Z" : formatOffset(t.offsetSec, true, "minutes");
  return `${date}T${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)}${frac}${zone}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/** Specifiers that expand to another format string. */
const COMPOSITES: Record<string, string> = {
  D: "%m/%d/%y",
  x: "%m/%d/%y",
  F: "%Y-%m-%d",
  v: "%e-%b-%Y",
  R: "%H:%M",
  T: "%H:%M:%S",
  X: "%H:%M:%S",
  r: "%I:%M:%S %p",
  c: "%a %b %e %H:%M:%S %Y",
};

function textSpec(spec: string, t: LocalTime): string | undefined {
  switch (spec) {
    case "a":
      return weekdayName(t).slice(0, 3);
    case "A":
      return weekdayName(t);
    case "b":
    case "h":
      return monthName(t).slice(0, 3);
    case "B":
      return monthName(t);
    case "p":
      return t.hour < 12 ? "AM" : "PM";
    case "P":
      return t.hour < 12 ? "am" : "pm";
    case "Z":
      return t.zoneName();
    case "z":
      return formatOffset(t.offsetSec, false, "minutes");
    case "+":
      return rfc3339(t);
    case "t":
      return "\t";
    case "n":
      return "\n";
    case "%":
      return "%";
    default:
      return undefined;
  }
}

const PAD_MODIFIERS: Record<string, Pad> = { "-": "none", _: "space", "0": "zero" };

/** Formats `t` with a chrono format string; throws `FormatError` on a bad specifier. */
export function strftime(format: string, t: LocalTime): string {
  let out = "";
  let i = 0;
  while (i < format.length) {
    const ch = format[i]!;
    if (ch !== "%") {
      out += ch;
      i++;
      continue;
    }
    const [text, next] = directive(format, i + 1, t);
    out += text;
    i = next;
  }
  return out;
}

/** Expands the directive after a `%` at `at`; returns its text and the index after it. */
function directive(format: string, at: number, t: LocalTime): [string, number] {
  let i = at;
  const padOverride = PAD_MODIFIERS[format[i] ?? ""];
  if (padOverride !== undefined) i++;
  const spec = format[i];
  if (spec === undefined) throw new FormatError("format string ends with '%'");
  const numeric = numericField(spec, t);
  if (numeric) return [renderNumeric(numeric, padOverride ?? numeric.pad), i + 1];
  if (padOverride !== undefined) throw new FormatError(`padding modifier on non-numeric '%${spec}'`);
  const composite = COMPOSITES[spec];
  if (composite !== undefined) return [strftime(composite, t), i + 1];
  const text = textSpec(spec, t);
  if (text !== undefined) return [text, i + 1];
  return extendedSpec(format, i, t);
}

/** chrono's multi-character specifiers: `%.f`, `%.3f`, `%3f`, `%:z`, `%::z`, `%:::z`. */
function extendedSpec(format: string, i: number, t: LocalTime): [string, number] {
  const rest = format.slice(i);
  let m = /^\.([369])?f/.exec(rest);
  if (m) {
    const digits = m[1] ? (Number(m[1]) as 3 | 6 | 9) : 0;
    const frac = fraction(t.nsec, digits);
    return [frac === "" ? "" : `.${frac}`, i + m[0].length];
  }
  m = /^([369])f/.exec(rest);
  if (m) return [fraction(t.nsec, Number(m[1]) as 3 | 6 | 9), i + 2];
  m = /^(:{1,3})z/.exec(rest);
  if (m) {
    const precision = m[1]!.length === 1 ? "minutes" : m[1]!.length === 2 ? "seconds" : "hours";
    return [formatOffset(t.offsetSec, true, precision), i + m[0].length];
  }
  throw new FormatError(`unknown specifier '%${rest.slice(0, 1)}'`);
}
