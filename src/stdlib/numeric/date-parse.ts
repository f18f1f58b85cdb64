// `date_parse`: the reference's parsing cascade, first match wins —
// RFC 3339 with an offset, then naive "YYYY-MM-DD[ T]HH:MM[:SS[.frac]]"
// read as UTC, then a bare date, and finally the legacy fallback that takes
// the first three to six digit runs as year, month, day, hour, minute,
// second and validates them with explicit messages. Every failure is a
// thrown string, as in the reference (`Cannot parse date: ...`).

import { thrown, type VmError } from "../../vm/errors.ts";
import { civilToSeconds, daysInMonth, type Instant, MAX_YEAR, MIN_YEAR } from "./civil.ts";

const RFC3339 =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))$/;
const NAIVE_SECONDS =
  /^([+-]?[0-9]+)-([0-9]{1,2})-([0-9]{1,2})(?:T|\s*)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\.([0-9]+))?$/;
const NAIVE_MINUTES = /^([+-]?[0-9]+)-([0-9]{1,2})-([0-9]{1,2})(?:T|\s*)([0-9]{1,2}):([0-9]{1,2})$/;
const DATE_ONLY = /^([+-]?[0-9]+)-([0-9]{1,2})-([0-9]{1,2})$/;

/** Nanoseconds from the digits after the decimal point (extra digits are ignored, like chrono). */
function nanos(digits: string | undefined): number {
  return digits === undefined ? 0 : Number(digits.slice(0, 9).padEnd(9, "0"));
}

/** An instant from validated-or-rejected civil fields; undefined if the date or time is impossible. */
function civil(fields: number[], nsec: number, offsetSec = 0): Instant | undefined {
  const [y, mo, d, h = 0, mi = 0, s = 0] = fields as [number, number, number, number?, number?, number?];
  if (y < MIN_YEAR || y > MAX_YEAR || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  if (h > 23 || mi > 59 || s > 60) return undefined;
  // A leap second (:60) is carried into the next second.
  return { sec: civilToSeconds(y, mo, d, h, mi, s) - offsetSec, nsec };
}

function parseRfc3339(text: string): Instant | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  let offset = 0;
  if (m[8] === undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offset = (m[9] === "-" ? -1 : 1) * (oh * 3600 + om * 60);
  }
  return civil(m.slice(1, 7).map(Number), nanos(m[7]), offset);
}

function parseNaive(text: string): Instant | undefined {
  for (const pattern of [NAIVE_SECONDS, NAIVE_MINUTES, DATE_ONLY]) {
    const m = pattern.exec(text);
    if (!m) continue;
    const fields = m.slice(1, pattern === NAIVE_SECONDS ? 7 : pattern === NAIVE_MINUTES ? 6 : 4).map(Number);
    const found = civil(fields, pattern === NAIVE_SECONDS ? nanos(m[7]) : 0);
    if (found) return found;
  }
  return undefined;
}

/** Parses a date string into an instant, or throws the reference's message. */
export function parseDate(input: string): Instant {
  const text = input.trim();
  if (text === "") throw thrown("Cannot parse date: ");
  return parseRfc3339(text) ?? parseNaive(text) ?? parseDigits(text);
}

const U32_MAX = 4294967295;

function parseDigits(text: string): Instant {
  const parts = text
    .split(/[^0-9]+/)
    .filter((p) => p !== "" && BigInt(p) <= 9223372036854775807n)
    .map(Number);
  if (parts.length < 3) throw thrown(`Cannot parse date: ${text}`);
  const year = parts[0]!;
  if (year > 2147483647) throw thrown(`Invalid year: ${year}`);
  const clampU32 = (n: number | undefined, dflt: number): number =>
    n === undefined ? 0 : n > U32_MAX ? dflt : n;
  const month = clampU32(parts[1], 0);
  const day = clampU32(parts[2], 0);
  const hour = clampU32(parts[3], U32_MAX);
  const minute = clampU32(parts[4], U32_MAX);
  const second = clampU32(parts[5], U32_MAX);
  validateRanges(month, day, hour, minute, second);
  return checkedCivil(year, month, day, hour, minute, second);
}

/** The reference's component checks, shared with `date_from_components`. */
export function validateRanges(
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): void {
  const fail = (what: string, v: number, range: string): VmError =>
    thrown(`Invalid ${what}: ${v} (must be ${range})`);
  if (month < 1 || month > 12) throw fail("month", month, "1-12");
  if (day < 1 || day > 31) throw fail("day", day, "1-31");
  if (hour > 23) throw fail("hour", hour, "0-23");
  if (minute > 59) throw fail("minute", minute, "0-59");
  if (second > 59) throw fail("second", second, "0-59");
}

/** A UTC instant for range-checked components; "Invalid date" when the day does not exist. */
export function checkedCivil(y: number, mo: number, d: number, h: number, mi: number, s: number): Instant {
  if (y < MIN_YEAR || y > MAX_YEAR || d > daysInMonth(y, mo)) {
    const pad = (n: number, w: number): string =>
      n < 0 ? `-${String(-n).padStart(w - 1, "0")}` : String(n).padStart(w, "0");
    throw thrown(`Invalid date: ${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}`);
  }
  return { sec: civilToSeconds(y, mo, d, h, mi, s), nsec: 0 };
}
