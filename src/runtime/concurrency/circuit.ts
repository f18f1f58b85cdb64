// Circuit breakers: named failure counters shared by every task of a VM.
// `threshold` consecutive failures open the circuit; once `reset_ms` has
// passed it reads "half_open" (let one attempt through); a success or an
// explicit reset closes it again.

import { display } from "../../vm/display.ts";
import { Duration, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";

interface Circuit {
  failures: number;
  readonly threshold: number;
  readonly resetMs: number;
  openedAt: number | null;
}

function nameArg(args: Value[]): string {
  return args.length > 0 ? display(args[0]!) : "default";
}

function countArg(v: Value | undefined, fallback: number): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Duration) return v.ms;
  return fallback;
}

function close(c: Circuit | undefined): null {
  if (c) {
    c.failures = 0;
    c.openedAt = null;
  }
  return null;
}

export function registerCircuitBuiltins(vm: Vm): void {
  const circuits = new Map<string, Circuit>();
  vm.registerBuiltin("circuit_breaker", (args) => {
    const name = nameArg(args);
    circuits.set(name, {
      failures: 0,
      threshold: countArg(args[1], 5),
      resetMs: countArg(args[2], 30_000),
      openedAt: null,
    });
    return name;
  });
  vm.registerBuiltin("circuit_check", (args) => {
    const c = circuits.get(nameArg(args));
    if (!c || c.openedAt === null) return "closed";
    return performance.now() - c.openedAt >= c.resetMs ? "half_open" : "open";
  });
  vm.registerBuiltin("circuit_record_failure", (args) => {
    const c = circuits.get(nameArg(args));
    if (!c) return false;
    c.failures++;
    if (c.failures < c.threshold || c.openedAt !== null) return false;
    c.openedAt = performance.now();
    return true;
  });
  vm.registerBuiltin("circuit_record_success", (args) => close(circuits.get(nameArg(args))));
  vm.registerBuiltin("circuit_reset", (args) => close(circuits.get(nameArg(args))));
}
