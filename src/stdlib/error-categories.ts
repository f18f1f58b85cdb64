// Error-category helpers for Harn code: `throw_error(msg, category)` throws
// the {message, category} dict that `catch` hands back, and
// `error_category` / `is_timeout` / `is_rate_limited` read a category from
// such a dict or classify an error message the way retry loops do.

import { classifyMessage, parseCategory } from "../runtime/error-category.ts";
import { display } from "../vm/display.ts";
import { thrown } from "../vm/errors.ts";
import { Dict, type Value } from "../vm/values.ts";
import type { Vm } from "../vm/vm.ts";

function categoryOf(v: Value | undefined): string {
  if (v instanceof Dict) return v.map.has("category") ? display(v.get("category")) : "generic";
  if (typeof v === "string") return classifyMessage(v);
  return "generic";
}

export function registerErrorCategories(vm: Vm): void {
  vm.registerBuiltin("throw_error", (args) => {
    const message = args.length > 0 ? display(args[0]!) : "";
    const category = args.length > 1 ? parseCategory(display(args[1]!)) : "generic";
    throw thrown(Dict.of({ message, category }));
  });
  vm.registerBuiltin("error_category", (args) => categoryOf(args[0]));
  vm.registerBuiltin("is_timeout", (args) => categoryOf(args[0]) === "timeout");
  vm.registerBuiltin("is_rate_limited", (args) => categoryOf(args[0]) === "rate_limit");
}
