// Calendar arithmetic: day counts against known dates, round trips over the
// whole supported range, and local breakdowns at fixed offsets.

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  civilFromDays,
  daysFromCivil,
  instantFromMillis,
  instantFromSeconds,
  instantToMillis,
  localTime,
  MAX_SEC,
  MIN_SEC,
  utcTime,
} from "./civil.ts";

test("days from civil matches known dates", () => {
  assert.equal(daysFromCivil(1970, 1, 1), 0);
  assert.equal(daysFromCivil(2000, 3, 1), 11017);
  assert.equal(daysFromCivil(1969, 12, 31), -1);
  assert.equal(daysFromCivil(0, 1, 1), -719528);
  assert.deepEqual(civilFromDays(19737), { year: 2024, month: 1, day: 15 });
  assert.deepEqual(civilFromDays(-719529), { year: -1, month: 12, day: 31 });
});

test("civil dates round-trip across the supported range", () => {
  const first = Math.floor(MIN_SEC / 86400);
  const last = Math.floor(MAX_SEC / 86400);
  for (let days = first; days <= last; days += 9973) {
    const { year, month, day } = civilFromDays(days);
    assert.equal(daysFromCivil(year, month, day), days);
  }
  assert.deepEqual(civilFromDays(first), { year: -262144, month: 1, day: 1 });
  assert.deepEqual(civilFromDays(last), { year: 262143, month: 12, day: 31 });
});

test("local breakdown gives fields, weekday and ordinal", () => {
  const t = utcTime({ sec: 1777138329, nsec: 481_000_000 });
  assert.deepEqual(
    [t.year, t.month, t.day, t.hour, t.minute, t.second, t.weekday, t.ordinal],
    [2026, 4, 25, 17, 32, 9, 6, 115],
  );
  const la = localTime({ sec: 1777138329, nsec: 0 }, -25200, () => "PDT");
  assert.deepEqual([la.day, la.hour, la.offsetSec, la.zoneName()], [25, 10, -25200, "PDT"]);
  const before = utcTime({ sec: -1000, nsec: 0 });
  assert.deepEqual(
    [before.year, before.month, before.day, before.hour, before.minute, before.second],
    [1969, 12, 31, 23, 43, 20],
  );
  assert.equal(before.weekday, 3);
});

test("seconds and milliseconds convert like the reference", () => {
  assert.deepEqual(instantFromSeconds(1777138329.481), { sec: 1777138329, nsec: 481_000_000 });
  assert.deepEqual(instantFromSeconds(-0.5), { sec: -1, nsec: 500_000_000 });
  assert.deepEqual(instantFromMillis(-1), { sec: -1, nsec: 999_000_000 });
  assert.equal(instantToMillis({ sec: -1, nsec: 999_999_999 }), -1);
  const far = instantFromSeconds(8e12 + 0.25);
  assert.equal(far.sec, 8e12);
});
