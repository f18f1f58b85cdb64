// Random-number builtins. Each takes an optional leading `rng` handle from
// `rng_seed(seed)`; without one they draw from the VM's unseeded source.
// Equal seeds give equal sequences (spec: builtins "Math"); the values
// themselves are not meant to match the reference's generator.

import { typeError } from "../../vm/errors.ts";
import { type Int, normInt } from "../../vm/numbers.ts";
import { HandleValue, HFloat, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { isInt } from "./math.ts";
import { SplitMix64 } from "./rng-core.ts";
import { numericState } from "./state.ts";

function rngHandle(seed: Int): HandleValue {
  return new HandleValue("rng", () => "<rng>", new SplitMix64(BigInt(seed)));
}

/** The generator to use and the index of the first argument after it. */
function pick(vm: Vm, args: Value[]): [SplitMix64, number] {
  const first = args[0];
  if (first instanceof HandleValue && first.kind === "rng") return [first.payload as SplitMix64, 1];
  return [numericState(vm).random, 0];
}

function randomInt(vm: Vm, args: Value[]): Value {
  const [rng, at] = pick(vm, args);
  if (args.length < at + 2) return null;
  const min = args[at];
  const max = args[at + 1];
  if (!isInt(min)) throw typeError("random_int: min must be an integer");
  if (!isInt(max)) throw typeError("random_int: max must be an integer");
  const lo = BigInt(min);
  const hi = BigInt(max);
  if (lo > hi) return null;
  return normInt(lo + rng.below(hi - lo + 1n));
}

export function registerRng(vm: Vm): void {
  const b = vm.registerBuiltin.bind(vm);
  b("rng_seed", (args) => {
    const seed = args[0];
    if (!isInt(seed)) throw typeError("rng_seed(seed): seed must be an integer");
    return rngHandle(seed);
  });
  b("random", (args) => new HFloat(pick(vm, args)[0].nextFloat()));
  b("random_int", (args) => randomInt(vm, args));
  b("random_choice", (args) => {
    const [rng, at] = pick(vm, args);
    const items = args[at];
    if (!Array.isArray(items) || items.length === 0) return null;
    return items[rng.index(items.length)]!;
  });
  b("random_shuffle", (args) => {
    const [rng, at] = pick(vm, args);
    const items = args[at];
    if (!Array.isArray(items)) return null;
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = rng.index(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  });
}
