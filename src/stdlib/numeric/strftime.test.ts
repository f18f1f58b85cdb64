// chrono-style formatting: every specifier family, padding modifiers,
// signed years, ISO weeks at year boundaries, offsets and bad specifiers.

import assert from "node:assert/strict";
import { test } from "node:test";
import { civilToSeconds, localTime, utcTime } from "./civil.ts";
import { FormatError, formatOffset, rfc3339, strftime } from "./strftime.ts";

const at = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, nsec = 0) =>
  utcTime({ sec: civilToSeconds(y, mo, d, h, mi, s), nsec });

test("date and time specifiers", () => {
  const t = at(2026, 1, 4, 5, 6, 7, 123_000);
  assert.equal(strftime("%Y-%m-%d %H:%M:%S", t), "2026-01-04 05:06:07");
  assert.equal(strftime("%a %A %b %B %h", t), "Sun Sunday Jan January Jan");
  assert.equal(strftime("%e|%k|%l|%I|%p|%P", t), " 4| 5| 5|05|AM|am");
  assert.equal(strftime("%j %U %W %w %u", t), "004 01 00 0 7");
  assert.equal(strftime("%C %y %D %F %T %R", t), "20 26 01/04/26 2026-01-04 05:06:07 05:06");
  assert.equal(strftime("%r|%c|%v", t), "05:06:07 AM|Sun Jan  4 05:06:07 2026| 4-Jan-2026");
  assert.equal(strftime("%s|%%|%t|%n", t), "1767503167|%|\t|\n");
});

test("fractional seconds", () => {
  const t = at(2026, 4, 25, 17, 32, 9, 481_000_000);
  assert.equal(strftime("%.f %.3f %.6f %.9f", t), ".481 .481 .481000 .481000000");
  assert.equal(strftime("%f %3f %6f %9f", t), "481000000 481 481000 481000000");
  const micro = at(2026, 4, 25, 0, 0, 0, 123_456_789);
  assert.equal(strftime("%3f %6f %.f", micro), "123 123456 .123456789");
  assert.equal(strftime("[%.f]", at(2026, 4, 25)), "[]");
});

test("padding modifiers apply to numeric fields only", () => {
  const t = at(2026, 3, 5, 7);
  assert.equal(strftime("%-d %_m %0e %-H %_H", t), "5  3 05 7  7");
  assert.throws(() => strftime("%-a", t), FormatError);
  assert.throws(() => strftime("%Q", t), FormatError);
  assert.throws(() => strftime("abc%", t), FormatError);
});

test("years outside 0..=9999 carry a sign", () => {
  assert.equal(strftime("%Y", at(-1, 1, 1)), "-0001");
  assert.equal(strftime("%Y|%-Y", at(12345, 6, 7)), "+12345|+12345");
  assert.equal(strftime("%C %y", at(-5, 1, 1)), "-1 95");
});

test("ISO week numbering at year boundaries", () => {
  assert.equal(strftime("%G-W%V-%u", at(2021, 1, 3)), "2020-W53-7");
  assert.equal(strftime("%G-W%V-%u", at(2024, 12, 30)), "2025-W01-1");
  assert.equal(strftime("%G-W%V %g", at(2026, 6, 15)), "2026-W25 26");
});

test("offsets and zone names", () => {
  const t = localTime({ sec: 1777138329, nsec: 0 }, -25200, () => "PDT");
  assert.equal(strftime("%H:%M %Z %z %:z %::z %:::z", t), "10:32 PDT -0700 -07:00 -07:00:00 -07");
  assert.equal(formatOffset(19800, true, "minutes"), "+05:30");
  assert.equal(formatOffset(-28378, true, "minutes"), "-07:53");
  assert.equal(formatOffset(-28378, true, "seconds"), "-07:52:58");
  assert.equal(strftime("%Z %z", at(2026, 1, 1)), "UTC +0000");
});

test("RFC 3339 output chooses fraction digits like chrono", () => {
  assert.equal(rfc3339(at(2026, 4, 25, 2)), "2026-04-25T02:00:00+00:00");
  assert.equal(rfc3339(at(2026, 4, 25, 2, 0, 0, 481_000_000)), "2026-04-25T02:00:00.481+00:00");
  assert.equal(rfc3339(at(2026, 4, 25, 2, 0, 0, 1000)), "2026-04-25T02:00:00.000001+00:00");
  assert.equal(rfc3339(at(2026, 4, 25), { millis: true, zulu: true }), "2026-04-25T00:00:00.000Z");
  assert.equal(strftime("%+", at(2026, 4, 25)), "2026-04-25T00:00:00+00:00");
});
