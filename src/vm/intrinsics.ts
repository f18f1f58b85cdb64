// Run-time support the compiler calls by reserved `__` names: declaring
// structs/enums/impls, building struct literals, enum pattern tests,
// typed catches and deadline scopes. These are part of the language, not
// the standard library, so the VM registers them itself.

import type { TypeDeclInfo } from "../bytecode/proto.ts";
import type { TypeExpr } from "../syntax/ast.ts";
import { display, typeName } from "./display.ts";
import { ErrorKind, notImplemented, runtimeError, typeError, type VmError } from "./errors.ts";
import { type Dict, EnumValue, StructValue, TypeValue, type Value } from "./values.ts";
import type { Vm } from "./vm.ts";

function asType(v: Value, what: string): TypeValue {
  if (v instanceof TypeValue) return v;
  throw typeError(`${what}: ${display(v)} is not a declared type`);
}

/** Does a caught error match `catch (e: T)`? Matches thrown enums/structs by type name, or any for `any`. */
function catchMatches(error: VmError, type: TypeExpr): boolean {
  if (type.kind === "Union") return type.types.some((t) => catchMatches(error, t));
  if (type.kind !== "Named") return true;
  if (type.name === "any" || type.name === "unknown") return true;
  const v = error.kind === ErrorKind.Thrown ? error.thrown : error.display(display);
  if (v instanceof EnumValue) return v.enumName === type.name;
  if (v instanceof StructValue) return v.type.name === type.name;
  return typeName(v) === type.name;
}

let nextDeadlineId = 0;

/** The built-in `Result` enum (`Result.Ok(v)`, `Result.Err(e)`, and `Ok`/`Err`). */
const RESULT_TYPE = new TypeValue({
  kind: "enum",
  name: "Result",
  variants: [
    { name: "Ok", fields: ["value"] },
    { name: "Err", fields: ["error"] },
  ],
});

export function registerIntrinsics(vm: Vm): void {
  vm.globals.set("Result", RESULT_TYPE);
  vm.registerBuiltin("__declare_type", (args) => new TypeValue(args[0] as unknown as TypeDeclInfo));

  vm.registerBuiltin("__declare_impl", (args) => {
    const type = asType(args[0]!, "impl");
    const methods = args[1] as Dict;
    for (const [name, fn] of methods.map) type.methods.set(name, fn);
    return null;
  });

  vm.registerBuiltin("__make_struct", (args) => {
    const type = asType(args[0]!, "struct literal");
    if (type.decl.kind !== "struct") throw typeError(`${type.name} is not a struct`);
    return new StructValue(type, new Map((args[1] as Dict).map));
  });

  vm.registerBuiltin("__is_variant", (args) => {
    const v = args[0];
    return v instanceof EnumValue && v.enumName === args[1] && v.variant === args[2];
  });

  vm.registerBuiltin("__variant_field", (args) => {
    const v = args[0] as EnumValue;
    return v.fields[args[1] as number] ?? null;
  });

  vm.registerBuiltin("__catch_matches", (args) =>
    catchMatches(args[0] as unknown as VmError, args[1] as unknown as TypeExpr),
  );

  vm.registerBuiltin("__deadline_enter", (args, ctx) => {
    const d = args[0];
    const ms = d !== null && typeof d === "object" && "ms" in d ? (d as { ms: number }).ms : Number(d);
    if (!Number.isFinite(ms)) throw typeError(`deadline expects a duration, got ${typeName(d ?? null)}`);
    const id = nextDeadlineId++;
    ctx.task.deadlines.push({ at: Date.now() + ms, id, fired: false });
    vm.armDeadline(ctx.task, ms);
    return id;
  });

  vm.registerBuiltin("__deadline_exit", (args, ctx) => {
    const i = ctx.task.deadlines.findIndex((d) => d.id === args[0]);
    if (i >= 0) ctx.task.deadlines.splice(i, 1);
    return null;
  });

  for (const name of [
    "__spawn",
    "__parallel",
    "__select",
    "__tool_decl",
    "__skill_decl",
    "__eval_pack_decl",
  ]) {
    if (!vm.builtins.has(name)) {
      vm.registerBuiltin(name, () => {
        throw notImplemented(name.slice(2).replace(/_/g, " "));
      });
    }
  }

  vm.registerBuiltin("__assert_unreachable", () => {
    throw runtimeError("unreachable");
  });
}
