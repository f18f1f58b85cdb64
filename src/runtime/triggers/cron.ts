// Cron schedules for cron triggers: five fields (minute hour day-of-month
// month day-of-week) with `*`, lists, ranges, steps and month/day names,
// evaluated in a time zone (UTC or an IANA name, through Intl). Day of month
// and day of week combine as in Vixie cron: when both are restricted, a day
// matching either fires. `nextFire` returns the first boundary strictly
// after a given instant; it walks instants in UTC, so DST gaps and overlaps
// follow the wall clock of the zone.

export class CronError extends Error {}

interface Field {
  readonly allowed: ReadonlySet<number>;
  /** The field was `*` (or `?`): matters for the day-of-month / day-of-week rule. */
  readonly any: boolean;
}

export interface CronSchedule {
  readonly minute: Field;
  readonly hour: Field;
  readonly dayOfMonth: Field;
  readonly month: Field;
  readonly dayOfWeek: Field;
  readonly timeZone: string;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

function value(text: string, lo: number, names: readonly string[] | null, nameBase: number): number {
  const upper = text.toUpperCase();
  const named = names?.indexOf(upper) ?? -1;
  if (named >= 0) return named + nameBase;
  if (!/^\d+$/.test(text)) throw new CronError(`invalid cron value '${text}'`);
  const n = Number(text);
  if (n < lo) throw new CronError(`cron value ${n} is below ${lo}`);
  return n;
}

function parseField(
  text: string,
  lo: number,
  hi: number,
  names: readonly string[] | null = null,
  nameBase = 0,
): Field {
  const allowed = new Set<number>();
  const any = text === "*" || text === "?";
  for (const part of text.split(",")) {
    const [range, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new CronError(`invalid cron step in '${part}'`);
    let from = lo;
    let to = hi;
    if (range !== "*" && range !== "?") {
      const [a, b] = range!.split("-");
      from = value(a!, lo, names, nameBase);
      to = b === undefined ? (stepText === undefined ? from : hi) : value(b, lo, names, nameBase);
    }
    if (to > hi || from > to) throw new CronError(`cron range '${part}' is outside ${lo}-${hi}`);
    for (let v = from; v <= to; v += step) allowed.add(v);
  }
  return { allowed, any };
}

/** Parses `expr` ("*\/5 9-17 * * MON-FRI") for `timeZone` (default UTC). */
export function parseCron(expr: string, timeZone = "UTC"): CronSchedule {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) throw new CronError(`cron expression '${expr}' must have 5 fields`);
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
  } catch {
    throw new CronError(`unknown time zone '${timeZone}'`);
  }
  const dayOfWeek = parseField(fields[4]!, 0, 7, DAYS);
  // 7 is another name for Sunday.
  const days = new Set([...dayOfWeek.allowed].map((d) => d % 7));
  return {
    minute: parseField(fields[0]!, 0, 59),
    hour: parseField(fields[1]!, 0, 23),
    dayOfMonth: parseField(fields[2]!, 1, 31),
    month: parseField(fields[3]!, 1, 12, MONTHS, 1),
    dayOfWeek: { allowed: days, any: dayOfWeek.any },
    timeZone,
  };
}

interface WallClock {
  minute: number;
  hour: number;
  day: number;
  month: number;
  weekday: number;
}

function wallClock(ms: number, timeZone: string): WallClock {
  if (timeZone === "UTC") {
    const d = new Date(ms);
    return {
      minute: d.getUTCMinutes(),
      hour: d.getUTCHours(),
      day: d.getUTCDate(),
      month: d.getUTCMonth() + 1,
      weekday: d.getUTCDay(),
    };
  }
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    minute: "numeric",
    hour: "numeric",
    day: "numeric",
    month: "numeric",
    weekday: "short",
  }).formatToParts(new Date(ms));
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? "0";
  return {
    minute: Number(get("minute")),
    hour: Number(get("hour")),
    day: Number(get("day")),
    month: Number(get("month")),
    weekday: DAYS.indexOf(get("weekday").toUpperCase().slice(0, 3)),
  };
}

function dayMatches(s: CronSchedule, w: WallClock): boolean {
  const dom = s.dayOfMonth.allowed.has(w.day);
  const dow = s.dayOfWeek.allowed.has(w.weekday);
  if (s.dayOfMonth.any || s.dayOfWeek.any) return dom && dow;
  return dom || dow;
}

const MINUTE = 60_000;
/** Eight years of minutes: enough for any satisfiable schedule (Feb 29 on a Monday included). */
const SEARCH_LIMIT_MS = 8 * 366 * 24 * 60 * MINUTE;

/** The first minute boundary strictly after `afterMs` that the schedule fires on. */
export function nextFire(s: CronSchedule, afterMs: number): number {
  let t = Math.floor(afterMs / MINUTE) * MINUTE + MINUTE;
  const limit = afterMs + SEARCH_LIMIT_MS;
  while (t <= limit) {
    const w = wallClock(t, s.timeZone);
    if (!s.month.allowed.has(w.month) || !dayMatches(s, w)) {
      // UTC days are all 24 hours, so skip to midnight; elsewhere a DST day
      // may be 23 or 25 hours long, so step an hour at a time.
      t += (s.timeZone === "UTC" ? 24 * 60 - (w.hour * 60 + w.minute) : 60 - w.minute) * MINUTE;
      continue;
    }
    if (!s.hour.allowed.has(w.hour)) {
      t += (60 - w.minute) * MINUTE;
      continue;
    }
    if (s.minute.allowed.has(w.minute)) return t;
    t += MINUTE;
  }
  throw new CronError("cron schedule never fires");
}

/**
 * Fires a schedule as a clock moves: `due(now)` returns the boundary that
 * passed since the last call, if any. Missed boundaries collapse into the
 * latest one (catch-up "skip"), so a process that slept does not fire a
 * burst of stale ticks.
 */
export class CronTicker {
  private next: number;

  constructor(
    readonly schedule: CronSchedule,
    startMs: number,
  ) {
    this.next = nextFire(schedule, startMs);
  }

  due(nowMs: number): number | null {
    if (nowMs < this.next) return null;
    let fired = this.next;
    while (true) {
      const following = nextFire(this.schedule, fired);
      if (following > nowMs) {
        this.next = following;
        return fired;
      }
      fired = following;
    }
  }
}
