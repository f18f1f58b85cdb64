// IANA time zones for the date builtins, backed by Temporal (the polyfill
// reads the host's ICU time-zone data). A zone answers three questions:
// its UTC offset at an instant, its abbreviation there (`%Z`), and which
// instant a wall-clock time denotes (chrono's `from_local_datetime`: the
// earlier of two in a DST overlap, none in a DST gap).

import { Temporal } from "temporal-polyfill";
import { civilToSeconds, type Instant, type LocalTime, localTime } from "./civil.ts";

export interface Zone {
  readonly name: string;
  offsetAt(instant: Instant): number;
  abbreviation(instant: Instant, offsetSec: number): string;
  /** The instant for a local date-time; undefined when a DST gap skips it. */
  fromLocal(y: number, mo: number, d: number, h: number, mi: number, s: number): Instant | undefined;
}

const UTC_ZONE: Zone = {
  name: "UTC",
  offsetAt: () => 0,
  abbreviation: () => "UTC",
  fromLocal: (y, mo, d, h, mi, s) => ({ sec: civilToSeconds(y, mo, d, h, mi, s), nsec: 0 }),
};

const cache = new Map<string, Zone | null>();

/**
 * The zone named `raw`, or undefined. Like chrono-tz, only exact IANA
 * names are accepted: no offsets such as "+05:00" and no case folding.
 */
export function findZone(raw: string): Zone | undefined {
  if (raw === "UTC") return UTC_ZONE;
  let zone = cache.get(raw);
  if (zone === undefined) {
    zone = lookup(raw);
    cache.set(raw, zone);
  }
  return zone ?? undefined;
}

function lookup(raw: string): Zone | null {
  if (!/^[A-Za-z]/.test(raw)) return null;
  try {
    const id = Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(raw).timeZoneId;
    return id === raw ? temporalZone(raw) : null;
  } catch {
    return null;
  }
}

function temporalZone(name: string): Zone {
  return {
    name,
    offsetAt(instant) {
      const zoned = Temporal.Instant.fromEpochMilliseconds(instant.sec * 1000).toZonedDateTimeISO(name);
      return zoned.offsetNanoseconds / 1e9;
    },
    abbreviation: (instant, offsetSec) => abbreviation(name, instant, offsetSec),
    fromLocal(y, mo, d, h, mi, s) {
      const wall = Temporal.PlainDateTime.from({
        year: y,
        month: mo,
        day: d,
        hour: h,
        minute: mi,
        second: s,
      });
      const zoned = wall.toZonedDateTime(name, { disambiguation: "earlier" });
      // In a gap Temporal shifts the time; chrono reports that it does not exist.
      if (!zoned.toPlainDateTime().equals(wall)) return undefined;
      return { sec: zoned.epochMilliseconds / 1000, nsec: 0 };
    },
  };
}

/** `instant` broken down in `zone`. */
export function zonedTime(instant: Instant, zone: Zone): LocalTime {
  const offset = zone.offsetAt(instant);
  return localTime(instant, offset, () => zone.abbreviation(instant, offset));
}

// ICU names most zones only as "GMT+2" in any one locale; asking a few
// English locales recovers the tz database's letters (PDT, CEST, IST, AEST)
// for most of them. Zones the tz database itself abbreviates numerically
// fall through to that form ("+04", "+0530").
const LOCALES = ["en-US", "en-GB", "en-AU", "en-IN"];
const formatters = new Map<string, Intl.DateTimeFormat[]>();

function abbreviation(zone: string, instant: Instant, offsetSec: number): string {
  let fmts = formatters.get(zone);
  if (!fmts) {
    fmts = LOCALES.map((l) => new Intl.DateTimeFormat(l, { timeZone: zone, timeZoneName: "short" }));
    formatters.set(zone, fmts);
  }
  const date = new Date(instant.sec * 1000);
  for (const fmt of fmts) {
    const name = fmt.formatToParts(date).find((p) => p.type === "timeZoneName")?.value;
    if (name && !/^(GMT|UTC)[+-−]/.test(name)) return name;
  }
  return numericAbbreviation(offsetSec);
}

function numericAbbreviation(offsetSec: number): string {
  const sign = offsetSec < 0 ? "-" : "+";
  const minutes = Math.round(Math.abs(offsetSec) / 60);
  const hh = String(Math.floor(minutes / 60)).padStart(2, "0");
  const mm = minutes % 60;
  return mm === 0 ? `${sign}${hh}` : `${sign}${hh}${String(mm).padStart(2, "0")}`;
}
