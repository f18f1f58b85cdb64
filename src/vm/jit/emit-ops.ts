// JavaScript for each instruction, mirroring the interpreter case by case:
// the same fast paths for ints and strings, the same helpers for everything
// else. `d` is the operand depth before the instruction; `s${d - 1}` is the
// top of the stack.

import { Op } from "../../bytecode/opcodes.ts";
import { type Gen, JitExit, MAX_SAFE_TEXT } from "./gen.ts";

const M = MAX_SAFE_TEXT;

const COMPARE: Partial<Record<Op, string>> = {
  [Op.Lt]: "<",
  [Op.Gt]: ">",
  [Op.Le]: "<=",
  [Op.Ge]: ">=",
  [Op.LtInt]: "<",
  [Op.GtInt]: ">",
  [Op.LeInt]: "<=",
  [Op.GeInt]: ">=",
  [Op.JumpIfNotLt]: "<",
  [Op.JumpIfNotGt]: ">",
  [Op.JumpIfNotLe]: "<=",
  [Op.JumpIfNotGe]: ">=",
  [Op.JumpIfNotLtInt]: "<",
  [Op.JumpIfNotGtInt]: ">",
  [Op.JumpIfNotLeInt]: "<=",
  [Op.JumpIfNotGeInt]: ">=",
};

/** A boolean JS expression for `a <cmp> b` (ordering or equality) with the interpreter's semantics. */
function compare(op: Op, a: string, b: string, bIsInt: boolean): string {
  const js = COMPARE[op];
  if (js !== undefined) {
    const fast = bIsInt ? `typeof ${a} === "number"` : `typeof ${a} === "number" && typeof ${b} === "number"`;
    return `(${fast} ? ${a} ${js} ${b} : H.compareValues(${a}, ${b}) ${js} 0)`;
  }
  const negate = op === Op.Neq || op === Op.NeqInt || op === Op.JumpIfNotNeq || op === Op.JumpIfNotNeqInt;
  const eq = negate ? "!==" : "===";
  const slow = `${negate ? "!" : ""}H.valuesEqual(${a}, ${b})`;
  if (bIsInt) return `(typeof ${a} === "number" ? ${a} ${eq} ${b} : ${slow})`;
  return `((typeof ${a} === "number" && typeof ${b} === "number") || (typeof ${a} === "string" && typeof ${b} === "string") ? ${a} ${eq} ${b} : ${slow})`;
}

const s = (i: number): string => `s${i}`;

function falsy(v: string): string {
  return `(${v} === false || ${v} === null || (${v} !== true && !H.truthy(${v})))`;
}

function str(v: string): string {
  return `(typeof ${v} === "string" ? ${v} : H.display(${v}))`;
}

/** Opens a block binding `callee` to the named function, resolved once per call site. */
function calleeBySite(g: Gen, nameIndex: number): string {
  g.usesSites = true;
  return `{ let callee = sites[${g.ip}]; if (callee === undefined) { callee = rt.resolveCallee(module, ${g.name(nameIndex)}); sites[${g.ip}] = callee; }`;
}

export function emitOp(g: Gen, op: Op, a: Int32Array, d: number): void {
  const top = s(d - 1);
  const L = (slot: number): string => `l${slot}`;
  switch (op) {
    case Op.Nop:
      return;
    case Op.Const:
      return g.line(`${s(d)} = ${g.constant(a[0]!)};`);
    case Op.Nil:
      return g.line(`${s(d)} = null;`);
    case Op.True:
      return g.line(`${s(d)} = true;`);
    case Op.False:
      return g.line(`${s(d)} = false;`);
    case Op.Int:
      return g.line(`${s(d)} = ${a[0]!};`);
    case Op.Pop:
      return;
    case Op.Dup:
      return g.line(`${s(d)} = ${top};`);
    case Op.Swap:
      return g.line(`{ const t = ${top}; ${top} = ${s(d - 2)}; ${s(d - 2)} = t; }`);
    case Op.GetLocal:
      return g.line(`${s(d)} = ${L(a[0]!)};`);
    case Op.SetLocal:
      return g.line(`${L(a[0]!)} = ${top};`);
    case Op.GetCell:
      g.pc();
      return g.line(
        `{ const c = ${L(a[0]!)}; if (c.v === undefined) throw new H.VmError(H.ErrorKind.UndefinedVariable, c.name); ${s(d)} = c.v; }`,
      );
    case Op.SetCell:
      return g.line(`${L(a[0]!)}.v = ${top};`);
    case Op.NewCell:
      return g.line(
        `${L(a[0]!)} = new H.Cell(undefined, ${JSON.stringify(g.proto.localNames[a[0]!] ?? "")});`,
      );
    case Op.GetGlobal:
      g.pc();
      return g.line(
        `{ const v = module.globals[${a[0]!}]; if (v === undefined) throw new H.VmError(H.ErrorKind.UndefinedVariable, rt.globalName(module, ${a[0]!})); ${s(d)} = v; }`,
      );
    case Op.SetGlobal:
      return g.line(`module.globals[${a[0]!}] = ${top};`);
    case Op.GetName:
      g.pc();
      g.usesSites = true;
      return g.line(
        `{ let v = sites[${g.ip}]; if (v === undefined) { v = rt.resolveName(module, ${g.name(a[0]!)}, proto.localNames); sites[${g.ip}] = v; } ${s(d)} = v; }`,
      );
    case Op.SetName:
      g.pc();
      return g.line(`rt.assignName(module, ${g.name(a[0]!)}, ${top});`);
    case Op.Fail: {
      g.pc();
      const message = g.constant(a[0]!);
      const kind = a[1]!;
      if (kind === 1) return g.line(`throw new H.VmError(H.ErrorKind.Immutable, ${message});`);
      if (kind === 2) return g.line(`throw H.thrown(${message});`);
      return g.line(`throw H.runtimeError(${message});`);
    }
    case Op.Closure: {
      const inner = g.proto.protos[a[0]!]!;
      const captured = inner.captures.map((c) => L(c.from)).join(", ");
      return g.line(`${s(d)} = new H.Closure(proto.protos[${a[0]!}], [${captured}], module);`);
    }
    case Op.Call:
    case Op.CallName: {
      g.pc();
      const byName = op === Op.CallName;
      const argc = byName ? a[1]! : a[0]!;
      g.line(`if (--task.jitBudget <= 0) ${g.exit(d, g.ip, JitExit.Budget)}`);
      let callee = s(d - argc - 1);
      if (byName) {
        g.line(calleeBySite(g, a[0]!));
        callee = "callee";
      }
      const at = `tb + ${d - argc}`;
      const retSp = byName ? at : `tb + ${d - argc - 1}`;
      const resultDepth = byName ? d - argc : d - argc - 1;
      const result = s(resultDepth);
      const args = Array.from({ length: argc }, (_, i) => s(d - argc + i)).join(", ");
      const back = `if (r !== 0 || task.fiber !== fiber || fiber.frames[fiber.frames.length - 1] !== frame) return r; live = true; ${result} = stack[${retSp}];`;
      // A builtin runs right here on a fresh argument list; only a result that is not a
      // plain value (a Promise, a callback request) hands the frame to the shared path.
      g.line(
        `if (${callee} instanceof H.BuiltinRef) { const res = ${callee}.fn([${args}], rt.contextFor(task)); if (H.isPlain(res)) ${result} = res; else { ${g.spill(resultDepth)} frame.ip = ${g.next}; fiber.sp = ${retSp}; live = false; const r = H.deliver(rt, task, fiber, res); ${back} } }`,
      );
      return g.line(
        `else { ${g.spill(d)} frame.ip = ${g.next}; fiber.sp = tb + ${d}; live = false; const r = H.invoke(rt, task, fiber, ${callee}, ${at}, ${argc}, ${retSp}); ${back} }${byName ? " }" : ""}`,
      );
    }
    case Op.CallMethod:
    case Op.CallMethodOpt: {
      g.pc();
      const argc = a[1]!;
      const recv = s(d - argc - 1);
      if (op === Op.CallMethodOpt) g.line(`if (${recv} === null) { ip = ${g.next}; continue; }`);
      g.usesSites = true;
      const name = g.name(a[0]!);
      const args = Array.from({ length: argc }, (_, i) => s(d - argc + i)).join(", ");
      const back = `if (r !== 0 || task.fiber !== fiber || fiber.frames[fiber.frames.length - 1] !== frame) return r; live = true; ${recv} = stack[tb + ${d - argc - 1}];`;
      // Builtin methods of a cached receiver type are called right here; the rest takes callMethodAt.
      g.line(
        `{ const t = H.typeName(${recv}); let e = sites[${g.ip}]; if (e === undefined || e.type !== t) { e = H.methodSite(rt, ${recv}, t, ${name}); sites[${g.ip}] = e; }`,
      );
      g.line(
        `if (e.fn !== null) { const res = e.fn(${recv}, [${args}], rt.contextFor(task)); if (H.isPlain(res)) ${recv} = res; else { ${g.spill(d - argc - 1)} frame.ip = ${g.next}; fiber.sp = tb + ${d - argc - 1}; live = false; const r = H.deliver(rt, task, fiber, res); ${back} } }`,
      );
      return g.line(
        `else { ${g.spill(d)} frame.ip = ${g.next}; fiber.sp = tb + ${d}; live = false; const r = H.callMethodAt(rt, task, fiber, ${name}, tb + ${d - argc}, ${argc}); ${back} } }`,
      );
    }
    case Op.TailCall:
    case Op.TailCallName: {
      g.pc();
      const byName = op === Op.TailCallName;
      const argc = byName ? a[1]! : a[0]!;
      g.line(`if (--task.jitBudget <= 0) ${g.exit(d, g.ip, JitExit.Budget)}`);
      let callee = s(d - argc - 1);
      if (byName) {
        g.line(calleeBySite(g, a[0]!));
        callee = "callee";
      }
      return g.line(
        `{ ${g.spill(d)} frame.ip = ${g.next}; fiber.sp = tb + ${d}; live = false; return H.tailCall(rt, task, fiber, ${callee}, ${argc}, ${byName}); }${byName ? " }" : ""}`,
      );
    }
    case Op.CallSpread:
    case Op.CallNameSpread:
    case Op.CallMethodSpread:
      return g.line(g.exit(d, g.ip, JitExit.Step));
    case Op.Return:
      g.pc();
      return g.line(
        `fiber.sp = tb + ${d}; live = false; return H.finishFrameReturn(rt, task, fiber, ${top});`,
      );
    case Op.Jump:
      return g.line(g.jump(a[0]!));
    case Op.JumpIfFalse:
      return g.line(`if (${falsy(top)}) ${g.jump(a[0]!)}`);
    case Op.JumpIfTrue:
      return g.line(`if (!${falsy(top)}) ${g.jump(a[0]!)}`);
    case Op.JumpIfFalseKeep:
      return g.line(`if (!H.truthy(${top})) ${g.jump(a[0]!)}`);
    case Op.JumpIfTrueKeep:
      return g.line(`if (H.truthy(${top})) ${g.jump(a[0]!)}`);
    case Op.JumpIfNotNilKeep:
      return g.line(`if (${top} !== null) ${g.jump(a[0]!)}`);
    case Op.JumpIfNilKeep:
      return g.line(`if (${top} === null) ${g.jump(a[0]!)}`);
    case Op.JumpIfArgGiven:
      return g.line(`if (frame.argc > ${a[0]!}) ${g.jump(a[1]!)}`);
    case Op.Add:
      g.pc();
      return g.line(
        `{ const b = ${top}, a = ${s(d - 2)}; if (typeof a === "number" && typeof b === "number") { const r = a + b; ${s(d - 2)} = r <= ${M} && r >= -${M} ? r : H.intAdd(a, b); } else if (typeof a === "string" && typeof b === "string") ${s(d - 2)} = a + b; else ${s(d - 2)} = H.add(a, b); }`,
      );
    case Op.Sub:
      g.pc();
      return g.line(
        `{ const b = ${top}, a = ${s(d - 2)}; if (typeof a === "number" && typeof b === "number") { const r = a - b; ${s(d - 2)} = r <= ${M} && r >= -${M} ? r : H.intSub(a, b); } else ${s(d - 2)} = H.sub(a, b); }`,
      );
    case Op.Mul:
      g.pc();
      return g.line(
        `{ const a = ${s(d - 2)}, b = ${top}; if (typeof a === "number" && typeof b === "number") { const r = a * b; ${s(d - 2)} = r <= ${M} && r >= -${M} ? r + 0 : H.mul(a, b); } else ${s(d - 2)} = H.mul(a, b); }`,
      );
    case Op.Div:
      g.pc();
      return g.line(
        `{ const a = ${s(d - 2)}, b = ${top}; ${s(d - 2)} = typeof a === "number" && typeof b === "number" && b !== 0 ? H.intDiv(a, b) : H.div(a, b); }`,
      );
    case Op.Mod:
      g.pc();
      return g.line(
        `{ const a = ${s(d - 2)}, b = ${top}; ${s(d - 2)} = typeof a === "number" && typeof b === "number" && b > 0 && a >= 0 ? a % b : H.mod(a, b); }`,
      );
    case Op.Pow:
      g.pc();
      return g.line(`${s(d - 2)} = H.pow(${s(d - 2)}, ${top});`);
    case Op.Neg:
      g.pc();
      return g.line(`${top} = H.neg(${top});`);
    case Op.Not:
      return g.line(`${top} = !H.truthy(${top});`);
    case Op.Eq:
    case Op.Neq:
    case Op.Lt:
    case Op.Gt:
    case Op.Le:
    case Op.Ge:
      g.pc();
      return g.line(`${s(d - 2)} = ${compare(op, s(d - 2), top, false)};`);
    case Op.In:
    case Op.NotIn:
      g.pc();
      return g.line(`${s(d - 2)} = ${op === Op.NotIn ? "!" : ""}H.contains(${top}, ${s(d - 2)});`);
    case Op.MakeList: {
      const n = a[0]!;
      const items = Array.from({ length: n }, (_, i) => s(d - n + i)).join(", ");
      return g.line(`${s(d - n)} = [${items}];`);
    }
    case Op.ListPush:
      return g.line(`${s(d - 2)}.push(${top});`);
    case Op.ListExtend:
      g.pc();
      return g.line(
        `{ const src = ${top}; if (!Array.isArray(src)) throw H.destructureError(src, "[...]"); for (const x of src) ${s(d - 2)}.push(x); }`,
      );
    case Op.MakeDict: {
      const n = a[0]!;
      const sets: string[] = [];
      for (let i = 0; i < n; i++) {
        const key = s(d - 2 * n + 2 * i);
        sets.push(`m.set(${str(key)}, ${s(d - 2 * n + 2 * i + 1)});`);
      }
      return g.line(`{ const m = new Map(); ${sets.join(" ")} ${s(d - 2 * n)} = new H.Dict(m); }`);
    }
    case Op.DictPut:
      return g.line(`${s(d - 3)}.map.set(${str(s(d - 2))}, ${top});`);
    case Op.DictSpread:
      g.pc();
      return g.line(
        `{ const src = ${top}; if (!(src instanceof H.Dict)) throw H.destructureError(src, "{...}"); for (const [kk, vv] of src.map) ${s(d - 2)}.map.set(kk, vv); }`,
      );
    case Op.GetProp:
    case Op.GetPropOpt: {
      g.pc();
      const name = g.name(a[0]!);
      const optional = op === Op.GetPropOpt;
      return g.line(
        `{ const o = ${top}; ${top} = o instanceof H.Dict ? (o.map.get(${name}) ?? null) : o instanceof H.StructValue ? (o.fields.get(${name}) ?? null) : H.getProperty(o, ${name}, ${optional}); }`,
      );
    }
    case Op.SetProp:
      g.pc();
      return g.line(`${s(d - 2)} = H.setProperty(${top}, ${g.name(a[0]!)}, ${s(d - 2)});`);
    case Op.GetIndex:
    case Op.GetIndexOpt:
      g.pc();
      return g.line(`${s(d - 2)} = H.getIndex(${s(d - 2)}, ${top}, ${op === Op.GetIndexOpt});`);
    case Op.SetIndex:
      g.pc();
      return g.line(`${s(d - 3)} = H.setIndex(${s(d - 2)}, ${top}, ${s(d - 3)});`);
    case Op.Slice:
      g.pc();
      return g.line(`${s(d - 3)} = H.slice(${s(d - 3)}, ${s(d - 2)}, ${top});`);
    case Op.Interp: {
      g.pc();
      const n = a[0]!;
      const parts = Array.from({ length: n }, (_, i) => str(s(d - n + i)));
      return g.line(`${s(d - n)} = ${n === 0 ? '""' : parts.join(" + ")};`);
    }
    case Op.MakeRange:
      g.pc();
      return g.line(
        `{ const st = ${s(d - 2)}, en = ${top}; if (typeof st !== "number" || typeof en !== "number") throw H.typeError(\`range bounds must be integers, got \${H.typeName(st)} and \${H.typeName(en)}\`); ${s(d - 2)} = new H.RangeValue(st, en, ${a[0]! === 1}); }`,
      );
    case Op.IterInit:
      g.pc();
      return g.line(`${top} = H.loopSource(${top});`);
    case Op.IterNext: {
      g.pc();
      const src = L(a[0]!);
      const target = a[1]!;
      g.line(
        `if (${src} instanceof H.NativeLoop || ${src} instanceof H.GeneratorLoop) ${g.exit(d, g.ip, JitExit.Step)}`,
      );
      return g.line(
        `{ const v = ${src}.next(); if (v === undefined) ${g.jump(target)} if (v instanceof Promise) { ${g.spill(d)} frame.ip = ${g.next}; fiber.sp = tb + ${d}; task.continuation = { kind: "iterate", target: ${target} }; task.waitingOn = v; return ${JitExit.Park}; } ${s(d)} = v; }`,
      );
    }
    case Op.TryBegin:
      return g.line(
        `{ const h = { target: ${a[0]!}, sp: tb + ${d} }; if (frame.handlers === null) frame.handlers = [h]; else frame.handlers.push(h); }`,
      );
    case Op.TryEnd:
      return g.line(`frame.handlers.pop();`);
    case Op.Throw:
      g.pc();
      return g.line(`throw H.thrown(${top});`);
    case Op.Rethrow:
      g.pc();
      return g.line(`throw ${top};`);
    case Op.CatchValue:
      return g.line(
        `${top} = ${top}.kind === H.ErrorKind.Thrown ? ${top}.thrown : ${top}.display(H.display);`,
      );
    case Op.WrapOk:
      return g.line(`if (!H.isResult(${top})) ${top} = H.ok(${top});`);
    case Op.WrapErr:
      return g.line(`${top} = H.err(${top});`);
    case Op.TryUnwrap:
      g.pc();
      return g.line(
        `{ const v = ${top}; if (!H.isResult(v)) throw H.typeError(\`? operator requires a Result value, got \${H.typeName(v)}\`); if (v.variant === "Ok") ${top} = v.fields[0] ?? null; else { fiber.sp = tb + ${d}; live = false; return H.finishFrameReturn(rt, task, fiber, v); } }`,
      );
    case Op.CheckDestructure:
      g.pc();
      return g.line(
        a[0] === 0
          ? `if (!(${top} instanceof H.Dict)) throw H.destructureError(${top}, "{...}");`
          : a[0] === 1
            ? `if (!Array.isArray(${top})) throw H.destructureError(${top}, "[...]");`
            : "",
      );
    case Op.ListRest:
      return g.line(`${top} = ${top}.slice(${a[0]!});`);
    case Op.DictRest:
      return g.line(
        `{ const m = new Map(${top}.map); for (const key of k[${a[0]!}]) m.delete(key); ${top} = new H.Dict(m); }`,
      );
    case Op.CheckParam:
      g.pc();
      return g.line(
        `H.checkParam(${L(a[0]!)}, ${JSON.stringify(g.proto.localNames[a[0]!] ?? "")}, k[${a[1]!}]);`,
      );
    case Op.AddLocal:
      g.pc();
      return g.line(
        `{ const b = ${L(a[0]!)}, a = ${top}; if (typeof a === "number" && typeof b === "number") { const r = a + b; ${top} = r <= ${M} && r >= -${M} ? r : H.intAdd(a, b); } else ${top} = typeof a === "string" && typeof b === "string" ? a + b : H.add(a, b); }`,
      );
    case Op.AddInt:
      g.pc();
      return g.line(
        `{ const a = ${top}; if (typeof a === "number") { const r = a + ${a[0]!}; ${top} = r <= ${M} && r >= -${M} ? r : H.intAdd(a, ${a[0]!}); } else ${top} = H.add(a, ${a[0]!}); }`,
      );
    case Op.IncLocal: {
      g.pc();
      const l = L(a[0]!);
      const b = a[1]!;
      return g.line(
        `if (typeof ${l} === "number") { const r = ${l} + ${b}; ${l} = r <= ${M} && r >= -${M} ? r : H.intAdd(${l}, ${b}); } else ${l} = H.add(${l}, ${b});`,
      );
    }
    case Op.LtInt:
    case Op.LeInt:
    case Op.GtInt:
    case Op.GeInt:
    case Op.EqInt:
    case Op.NeqInt:
      g.pc();
      return g.line(`${top} = ${compare(op, top, String(a[0]!), true)};`);
    case Op.JumpIfNotLt:
    case Op.JumpIfNotLe:
    case Op.JumpIfNotGt:
    case Op.JumpIfNotGe:
    case Op.JumpIfNotEq:
    case Op.JumpIfNotNeq:
      g.pc();
      return g.line(`if (!${compare(op, s(d - 2), top, false)}) ${g.jump(a[0]!)}`);
    case Op.JumpIfNotLtInt:
    case Op.JumpIfNotLeInt:
    case Op.JumpIfNotGtInt:
    case Op.JumpIfNotGeInt:
    case Op.JumpIfNotEqInt:
    case Op.JumpIfNotNeqInt:
      g.pc();
      return g.line(`if (!${compare(op, top, String(a[0]!), true)}) ${g.jump(a[1]!)}`);
    default:
      throw new Error(`compiling tier: no code for ${Op[op]}`);
  }
}
