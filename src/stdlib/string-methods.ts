// Methods of strings (spec: "Built-in methods" > "String methods", plus the
// reference's extras). Positions and lengths count code points. Arguments
// are converted with `display()` where the reference does, so
// `"a1".contains(1)` works.

import { codePointLength, codePoints, codePointSlice } from "../vm/strings.ts";
import type { Value } from "../vm/values.ts";
import type { Vm } from "../vm/vm.ts";
import { intArg, textArg } from "./args.ts";
import { indexOf, lastIndexOf, lines, reverse, split, trim, trimEnd, trimStart } from "./text.ts";

type StringMethod = (s: string, args: Value[]) => Value;

/** `pad_left` / `pad_right`: pads with the first character of the fill (default space). */
function pad(left: boolean): StringMethod {
  return (s, args) => {
    const width = intArg(args, 0) ?? 0;
    const fill = args.length > 1 ? (Array.from(textArg(args, 1))[0] ?? " ") : " ";
    const len = codePointLength(s);
    if (width <= len) return s;
    const padding = fill.repeat(width - len);
    return left ? padding + s : s + padding;
  };
}

function substring(s: string, args: Value[]): string {
  const len = codePointLength(s);
  const start = Math.min(Math.max(intArg(args, 0) ?? 0, 0), len);
  // A negative end reads to the end of the string, as in the reference.
  const rawEnd = intArg(args, 1) ?? len;
  const end = rawEnd < 0 ? len : Math.min(rawEnd, len);
  return end <= start ? "" : codePointSlice(s, start, end);
}

const lower: StringMethod = (s) => s.toLowerCase();
const upper: StringMethod = (s) => s.toUpperCase();
const length: StringMethod = (s) => codePointLength(s);

export const STRING_METHODS: Record<string, StringMethod> = {
  count: length,
  len: length,
  empty: (s) => s.length === 0,
  contains: (s, args) => s.includes(textArg(args, 0)),
  replace: (s, args) => (args.length >= 2 ? split(s, textArg(args, 0)).join(textArg(args, 1)) : null),
  split: (s, args) => split(s, textArg(args, 0, ",")),
  trim: (s) => trim(s),
  trim_start: (s) => trimStart(s),
  trim_end: (s) => trimEnd(s),
  starts_with: (s, args) => s.startsWith(textArg(args, 0)),
  ends_with: (s, args) => s.endsWith(textArg(args, 0)),
  lowercase: lower,
  lower,
  to_lower: lower,
  uppercase: upper,
  upper,
  to_upper: upper,
  substring,
  index_of: (s, args) => indexOf(s, textArg(args, 0)),
  last_index_of: (s, args) => lastIndexOf(s, textArg(args, 0)),
  chars: (s) => codePoints(s),
  repeat: (s, args) => s.repeat(Math.max(intArg(args, 0) ?? 1, 0)),
  reverse: (s) => reverse(s),
  pad_left: pad(true),
  pad_right: pad(false),
  lines: (s) => lines(s),
  char_at: (s, args) => {
    const i = intArg(args, 0) ?? 0;
    return i >= 0 && i < codePointLength(s) ? codePointSlice(s, i, i + 1) : null;
  },
};

export function registerStringMethods(vm: Vm): void {
  for (const [name, fn] of Object.entries(STRING_METHODS)) {
    vm.registerMethod("string", name, (recv, args) => fn(recv as string, args));
  }
}
