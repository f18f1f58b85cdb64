// Duration builtins (spec: builtins "Date/Time"): constructors from a
// number of units (`duration_hours(2)`; floats are rounded to whole
// milliseconds), `duration_to_seconds` (truncating) and
// `duration_to_human`, which names at most the three largest non-zero
// units ("3h 14m", "-2h", "1d 2h 3m"). Literal durations (`5s`) and their
// printing belong to the language core.

import { typeName } from "../../vm/display.ts";
import { thrown } from "../../vm/errors.ts";
import { Duration, HFloat, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { roundHalfAway } from "./math.ts";

const I64_LIMIT = 2 ** 63;

const UNITS: readonly [string, number][] = [
  ["duration_ms", 1],
  ["duration_seconds", 1000],
  ["duration_minutes", 60_000],
  ["duration_hours", 3_600_000],
  ["duration_days", 86_400_000],
];

function fromNumber(v: Value | undefined, multiplier: number, builtin: string): Duration {
  if (v === undefined) throw thrown(`${builtin}: missing value argument`);
  if (typeof v === "number" || typeof v === "bigint") {
    const ms = BigInt(v) * BigInt(multiplier);
    if (ms >= BigInt(I64_LIMIT) || ms < -BigInt(I64_LIMIT)) throw thrown(`${builtin}: duration overflow`);
    return new Duration(Number(ms));
  }
  if (v instanceof HFloat && Number.isFinite(v.v)) {
    const ms = v.v * multiplier;
    if (ms < -I64_LIMIT || ms > I64_LIMIT) throw thrown(`${builtin}: duration overflow`);
    return new Duration(roundHalfAway(ms) + 0);
  }
  throw thrown(`${builtin}: expected number, got ${typeName(v)}`);
}

export function durationArg(v: Value | undefined, builtin: string): number {
  if (v instanceof Duration) return v.ms;
  if (v === undefined) throw thrown(`${builtin}: missing duration argument`);
  throw thrown(`${builtin}: expected duration, got ${typeName(v)}`);
}

const HUMAN_UNITS: readonly [string, number][] = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1000],
  ["ms", 1],
];

/** "3h 14m": up to three of the largest non-zero units, largest first. */
export function humanDuration(ms: number): string {
  if (ms === 0) return "0s";
  let rest = Math.abs(ms);
  const parts: string[] = [];
  for (const [label, size] of HUMAN_UNITS) {
    if (parts.length === 3) break;
    const count = Math.floor(rest / size);
    if (count > 0) {
      parts.push(`${count}${label}`);
      rest -= count * size;
    }
  }
  return (ms < 0 ? "-" : "") + parts.join(" ");
}

export function registerDurations(vm: Vm): void {
  for (const [name, multiplier] of UNITS) {
    vm.registerBuiltin(name, (args) => fromNumber(args[0], multiplier, name));
  }
  vm.registerBuiltin("duration_to_seconds", (args) => {
    const ms = durationArg(args[0], "duration_to_seconds");
    return Math.trunc(ms / 1000) + 0;
  });
  vm.registerBuiltin("duration_to_human", (args) => humanDuration(durationArg(args[0], "duration_to_human")));
}
