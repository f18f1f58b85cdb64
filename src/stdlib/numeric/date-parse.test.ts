// `date_parse`'s cascade: RFC 3339, naive date-times, bare dates, then the
// digit-run fallback with its validation messages.

import assert from "node:assert/strict";
import { test } from "node:test";
import { display } from "../../vm/display.ts";
import { VmError } from "../../vm/errors.ts";
import { parseDate } from "./date-parse.ts";

function failure(input: string): string {
  try {
    parseDate(input);
  } catch (e) {
    if (e instanceof VmError) return e.display(display);
    throw e;
  }
  return "no error";
}

test("RFC 3339 with offsets and fractions", () => {
  assert.deepEqual(parseDate("2026-04-25T17:32:09Z"), { sec: 1777138329, nsec: 0 });
  assert.deepEqual(parseDate("2026-04-25T10:32:09.5-07:00"), { sec: 1777138329, nsec: 500_000_000 });
  assert.deepEqual(parseDate("2026-04-25t17:32:09.1234567891z"), { sec: 1777138329, nsec: 123_456_789 });
  assert.deepEqual(parseDate("  1969-12-31T23:00:00Z \n"), { sec: -3600, nsec: 0 });
});

test("naive date-times are read as UTC", () => {
  assert.deepEqual(parseDate("2024-01-15 00:00:00"), { sec: 1705276800, nsec: 0 });
  assert.deepEqual(parseDate("2024-01-15T00:00:00.25"), { sec: 1705276800, nsec: 250_000_000 });
  assert.deepEqual(parseDate("2024-01-15 01:02"), { sec: 1705280520, nsec: 0 });
  assert.deepEqual(parseDate("2024-1-5"), { sec: 1704412800, nsec: 0 });
});

test("the digit fallback validates components", () => {
  assert.deepEqual(parseDate("2024/01/15"), { sec: 1705276800, nsec: 0 });
  assert.equal(failure("not a date"), "Thrown: Cannot parse date: not a date");
  assert.equal(failure("   "), "Thrown: Cannot parse date: ");
  assert.equal(failure("2024-13-01"), "Thrown: Invalid month: 13 (must be 1-12)");
  assert.equal(failure("2024-01-32"), "Thrown: Invalid day: 32 (must be 1-31)");
  assert.equal(failure("2024-02-30"), "Thrown: Invalid date: 2024-02-30");
  assert.equal(failure("2024-01-01 24:00:00"), "Thrown: Invalid hour: 24 (must be 0-23)");
  assert.equal(failure("3000000000-01-01"), "Thrown: Invalid year: 3000000000");
});
