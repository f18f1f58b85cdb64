// Proleptic Gregorian calendar arithmetic on Unix time, used by every date
// builtin: an `Instant` is whole seconds since the epoch plus nanoseconds,
// and `LocalTime` is an instant broken down at some UTC offset. Days are
// converted with Hinnant's `days_from_civil` algorithms, which are exact
// over the whole range chrono supports (years -262144 to 262143) — plain
// integer math, no `Date` (whose range and leap rules differ) involved.

export interface Instant {
  /** Whole seconds since 1970-01-01T00:00:00Z (may be negative). */
  readonly sec: number;
  /** Nanoseconds past `sec`, 0 to 999 999 999. */
  readonly nsec: number;
}

/** An instant as seen on a wall clock at `offsetSec` from UTC. */
export interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly nsec: number;
  /** 0 = Sunday ... 6 = Saturday. */
  readonly weekday: number;
  /** Day of the year, 1-based. */
  readonly ordinal: number;
  readonly offsetSec: number;
  /** The instant itself (`%s` prints its seconds). */
  readonly instant: Instant;
  /** Zone abbreviation for `%Z` (computed on demand: it can be costly). */
  readonly zoneName: () => string;
}

export const MIN_YEAR = -262144;
export const MAX_YEAR = 262143;

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to the given date. */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The date `days` after 1970-01-01. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Smallest and largest instants (in seconds) chrono's `DateTime` can represent. */
export const MIN_SEC = daysFromCivil(MIN_YEAR, 1, 1) * 86400;
export const MAX_SEC = daysFromCivil(MAX_YEAR, 12, 31) * 86400 + 86399;

export function inRange(sec: number): boolean {
  return sec >= MIN_SEC && sec <= MAX_SEC;
}

/** Breaks an instant down at a fixed UTC offset. */
export function localTime(instant: Instant, offsetSec: number, zoneName: () => string): LocalTime {
  const local = instant.sec + offsetSec;
  const days = Math.floor(local / 86400);
  const secOfDay = local - days * 86400;
  const { year, month, day } = civilFromDays(days);
  return {
    year,
    month,
    day,
    hour: Math.floor(secOfDay / 3600),
    minute: Math.floor((secOfDay % 3600) / 60),
    second: secOfDay % 60,
    nsec: instant.nsec,
    weekday: (((days + 4) % 7) + 7) % 7,
    ordinal: days - daysFromCivil(year, 1, 1) + 1,
    offsetSec,
    instant,
    zoneName,
  };
}

export function utcTime(instant: Instant): LocalTime {
  return localTime(instant, 0, () => "UTC");
}

/** Seconds since the epoch of a wall-clock date and time read as UTC. */
export function civilToSeconds(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  return daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

/** An instant from fractional epoch seconds, at microsecond precision like the reference. */
export function instantFromSeconds(seconds: number): Instant {
  const micros = roundAway(seconds * 1_000_000);
  if (Math.abs(micros) <= Number.MAX_SAFE_INTEGER) {
    const sec = Math.floor(micros / 1_000_000);
    return { sec, nsec: (micros - sec * 1_000_000) * 1000 };
  }
  // Beyond 2^53 every double is an integer, so the BigInt split is exact.
  const big = BigInt(micros);
  const rem = ((big % 1_000_000n) + 1_000_000n) % 1_000_000n;
  return { sec: Number((big - rem) / 1_000_000n), nsec: Number(rem) * 1000 };
}

export function instantFromMillis(ms: number): Instant {
  const sec = Math.floor(ms / 1000);
  return { sec, nsec: (ms - sec * 1000) * 1_000_000 };
}

/** Milliseconds since the epoch (sub-millisecond digits truncated). */
export function instantToMillis(t: Instant): number {
  return t.sec * 1000 + Math.floor(t.nsec / 1_000_000);
}

function roundAway(x: number): number {
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
}
