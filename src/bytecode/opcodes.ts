// The instruction set. Code is a flat Int32Array: an opcode followed by its
// operands (OPERANDS gives the count). Jump operands are absolute code
// indices. Stack effects are noted as [before] -> [after], top at right.

export enum Op {
  Nop,
  /** -> [consts[k]] */
  Const,
  /** -> [nil] */
  Nil,
  True,
  False,
  /** -> [imm] (a small int immediate) */
  Int,
  /** [a] -> [] */
  Pop,
  /** [a] -> [a a] */
  Dup,
  /** [a b] -> [b a] */
  Swap,
  /** -> [locals[s]] */
  GetLocal,
  /** [v] -> [] ; locals[s] = v */
  SetLocal,
  /** -> [captures[c]] */
  GetCapture,
  /** -> [locals[s].value] (slot holds a cell) */
  GetCell,
  /** [v] -> [] ; locals[s].value = v */
  SetCell,
  /** locals[s] = new cell (uninitialised) */
  NewCell,
  /** -> [captures[c].value] */
  GetCaptureCell,
  /** -> [module.globals[g]] */
  GetGlobal,
  /** [v] -> [] */
  SetGlobal,
  /** -> [value of name consts[k]] looked up at run time (imports, builtins, host globals) */
  GetName,
  /** [v] -> [] ; assigns a run-time-resolved name */
  SetName,
  /** Raises a runtime error: consts[k] is the message; operand 2 selects the kind. */
  Fail,
  /** -> [closure of protos[p]] */
  Closure,
  /** [callee a1..an] -> [result] */
  Call,
  /** [a1..an] -> [result] ; callee is the name consts[k], resolved at run time */
  CallName,
  /** [recv a1..an] -> [result] ; method consts[k] */
  CallMethod,
  /** [recv a1..an] -> [result] ; nil if recv is nil */
  CallMethodOpt,
  /** [callee argsList] -> [result] */
  CallSpread,
  /** [argsList] -> [result] */
  CallNameSpread,
  /** [recv argsList] -> [result] */
  CallMethodSpread,
  /** like Call, but replaces the current frame when the callee is a closure */
  TailCall,
  /** like CallName, replacing the current frame */
  TailCallName,
  /** [v] -> returns v */
  Return,
  /** ip = t */
  Jump,
  /** [c] -> [] ; jump if falsy */
  JumpIfFalse,
  /** [c] -> [] ; jump if truthy */
  JumpIfTrue,
  /** [c] -> [c] if jumping else [] ; `&&` short circuit */
  JumpIfFalseKeep,
  /** [c] -> [c] if jumping else [] ; `||` short circuit */
  JumpIfTrueKeep,
  /** [v] -> [v] if not nil (jump) else [] ; `??` */
  JumpIfNotNilKeep,
  /** [v] -> [v] ; jump if v is nil (optional chaining) */
  JumpIfNilKeep,
  /** jump to t when argument `i` was supplied by the caller (default params) */
  JumpIfArgGiven,
  Add,
  Sub,
  Mul,
  Div,
  Mod,
  Pow,
  Neg,
  Not,
  Eq,
  Neq,
  Lt,
  Gt,
  Le,
  Ge,
  In,
  NotIn,
  /** [a1..an] -> [list] */
  MakeList,
  /** [list v] -> [list'] (list built by the compiler, so appending in place is safe) */
  ListPush,
  /** [list iterable] -> [list'] */
  ListExtend,
  /** [k1 v1 .. kn vn] -> [dict] */
  MakeDict,
  /** [dict k v] -> [dict'] */
  DictPut,
  /** [dict other] -> [dict'] */
  DictSpread,
  /** [obj] -> [obj.name] ; name consts[k] */
  GetProp,
  /** [obj] -> [obj?.name] */
  GetPropOpt,
  /** [v obj] -> [obj'] copy of obj with .name = v */
  SetProp,
  /** [obj i] -> [obj[i]] */
  GetIndex,
  /** [obj i] -> [obj?[i]] */
  GetIndexOpt,
  /** [v obj i] -> [obj'] */
  SetIndex,
  /** [obj start end] -> [slice] (nil bounds mean open) */
  Slice,
  /** [p1..pn] -> [string] ; concatenates display forms */
  Interp,
  /** [start end] -> [range] ; operand 1 = inclusive */
  MakeRange,
  /** [iterable] -> [iterator] */
  IterInit,
  /** -> [v] : next value of the iterator in local `s`, or jump to t when exhausted */
  IterNext,
  /** push a handler: errors jump to t with the error value on the stack */
  TryBegin,
  /** pop the innermost handler of this frame */
  TryEnd,
  /** [v] -> throws v */
  Throw,
  /** [err] -> re-raises a caught error unchanged */
  Rethrow,
  /** [v] -> [v'] ; error value to the catch binding */
  CatchValue,
  /** [v] -> yields v from a generator; resumes with [sent] */
  Yield,
  /** [v] -> [Ok(v)] or [Err] conversion for `try { }` expressions */
  WrapOk,
  /** [err] -> [Err(err)] */
  WrapErr,
  /** [v] -> [payload] or returns Err(..) from the function (`expr?`) */
  TryUnwrap,
  /** [v] -> [] ; asserts dict / list shape for destructuring, operand = kind */
  CheckDestructure,
  /** [list] -> [rest] ; list[from:] */
  ListRest,
  /** [dict] -> [rest] ; dict without keys in consts[k] (a list of strings) */
  DictRest,
  /** checks pending cancellation / deadline and fairness */
  Checkpoint,
  /** validates local `s` (a parameter) against the schema consts[k]; raises the reference's TypeError */
  CheckParam,
  // Superinstructions (peephole fusions of common sequences; same semantics as the originals).
  /** [a] -> [a + locals[s]] (GetLocal s; Add) */
  AddLocal,
  /** [a] -> [a + imm] (Int imm; Add) and Int imm; Sub with the negated immediate */
  AddInt,
  /** locals[s] = locals[s] + imm (x = x + k, x += k) */
  IncLocal,
  /** [a] -> [a < imm] and friends (Int imm; <cmp>) */
  LtInt,
  LeInt,
  GtInt,
  GeInt,
  EqInt,
  NeqInt,
  /** [a b] -> [] ; jump to t unless a <cmp> b (<cmp>; JumpIfFalse t) */
  JumpIfNotLt,
  JumpIfNotLe,
  JumpIfNotGt,
  JumpIfNotGe,
  JumpIfNotEq,
  JumpIfNotNeq,
  /** [a] -> [] ; jump to t unless a <cmp> imm (<cmp>Int imm; JumpIfFalse t) */
  JumpIfNotLtInt,
  JumpIfNotLeInt,
  JumpIfNotGtInt,
  JumpIfNotGeInt,
  JumpIfNotEqInt,
  JumpIfNotNeqInt,
}

/** Number of inline operands after each opcode. */
export const OPERANDS: Readonly<Record<Op, number>> = {
  [Op.Nop]: 0,
  [Op.Const]: 1,
  [Op.Nil]: 0,
  [Op.True]: 0,
  [Op.False]: 0,
  [Op.Int]: 1,
  [Op.Pop]: 0,
  [Op.Dup]: 0,
  [Op.Swap]: 0,
  [Op.GetLocal]: 1,
  [Op.SetLocal]: 1,
  [Op.GetCapture]: 1,
  [Op.GetCell]: 1,
  [Op.SetCell]: 1,
  [Op.NewCell]: 1,
  [Op.GetCaptureCell]: 1,
  [Op.GetGlobal]: 1,
  [Op.SetGlobal]: 1,
  [Op.GetName]: 1,
  [Op.SetName]: 1,
  [Op.Fail]: 2,
  [Op.Closure]: 1,
  [Op.Call]: 1,
  [Op.CallName]: 2,
  [Op.CallMethod]: 2,
  [Op.CallMethodOpt]: 2,
  [Op.CallSpread]: 0,
  [Op.CallNameSpread]: 1,
  [Op.CallMethodSpread]: 1,
  [Op.TailCall]: 1,
  [Op.TailCallName]: 2,
  [Op.Return]: 0,
  [Op.Jump]: 1,
  [Op.JumpIfFalse]: 1,
  [Op.JumpIfTrue]: 1,
  [Op.JumpIfFalseKeep]: 1,
  [Op.JumpIfTrueKeep]: 1,
  [Op.JumpIfNotNilKeep]: 1,
  [Op.JumpIfNilKeep]: 1,
  [Op.JumpIfArgGiven]: 2,
  [Op.Add]: 0,
  [Op.Sub]: 0,
  [Op.Mul]: 0,
  [Op.Div]: 0,
  [Op.Mod]: 0,
  [Op.Pow]: 0,
  [Op.Neg]: 0,
  [Op.Not]: 0,
  [Op.Eq]: 0,
  [Op.Neq]: 0,
  [Op.Lt]: 0,
  [Op.Gt]: 0,
  [Op.Le]: 0,
  [Op.Ge]: 0,
  [Op.In]: 0,
  [Op.NotIn]: 0,
  [Op.MakeList]: 1,
  [Op.ListPush]: 0,
  [Op.ListExtend]: 0,
  [Op.MakeDict]: 1,
  [Op.DictPut]: 0,
  [Op.DictSpread]: 0,
  [Op.GetProp]: 1,
  [Op.GetPropOpt]: 1,
  [Op.SetProp]: 1,
  [Op.GetIndex]: 0,
  [Op.GetIndexOpt]: 0,
  [Op.SetIndex]: 0,
  [Op.Slice]: 0,
  [Op.Interp]: 1,
  [Op.MakeRange]: 1,
  [Op.IterInit]: 0,
  [Op.IterNext]: 2,
  [Op.TryBegin]: 1,
  [Op.TryEnd]: 0,
  [Op.Throw]: 0,
  [Op.Rethrow]: 0,
  [Op.CatchValue]: 0,
  [Op.Yield]: 0,
  [Op.WrapOk]: 0,
  [Op.WrapErr]: 0,
  [Op.TryUnwrap]: 0,
  [Op.CheckDestructure]: 1,
  [Op.ListRest]: 1,
  [Op.DictRest]: 1,
  [Op.Checkpoint]: 0,
  [Op.CheckParam]: 2,
  [Op.AddLocal]: 1,
  [Op.AddInt]: 1,
  [Op.IncLocal]: 2,
  [Op.LtInt]: 1,
  [Op.LeInt]: 1,
  [Op.GtInt]: 1,
  [Op.GeInt]: 1,
  [Op.EqInt]: 1,
  [Op.NeqInt]: 1,
  [Op.JumpIfNotLt]: 1,
  [Op.JumpIfNotLe]: 1,
  [Op.JumpIfNotGt]: 1,
  [Op.JumpIfNotGe]: 1,
  [Op.JumpIfNotEq]: 1,
  [Op.JumpIfNotNeq]: 1,
  [Op.JumpIfNotLtInt]: 2,
  [Op.JumpIfNotLeInt]: 2,
  [Op.JumpIfNotGtInt]: 2,
  [Op.JumpIfNotGeInt]: 2,
  [Op.JumpIfNotEqInt]: 2,
  [Op.JumpIfNotNeqInt]: 2,
};

/** Operand positions that hold jump targets, for the disassembler. */
export const JUMP_OPERAND: Partial<Record<Op, number>> = {
  [Op.Jump]: 0,
  [Op.JumpIfFalse]: 0,
  [Op.JumpIfTrue]: 0,
  [Op.JumpIfFalseKeep]: 0,
  [Op.JumpIfTrueKeep]: 0,
  [Op.JumpIfNotNilKeep]: 0,
  [Op.JumpIfNilKeep]: 0,
  [Op.JumpIfArgGiven]: 1,
  [Op.IterNext]: 1,
  [Op.TryBegin]: 0,
  [Op.JumpIfNotLt]: 0,
  [Op.JumpIfNotLe]: 0,
  [Op.JumpIfNotGt]: 0,
  [Op.JumpIfNotGe]: 0,
  [Op.JumpIfNotEq]: 0,
  [Op.JumpIfNotNeq]: 0,
  [Op.JumpIfNotLtInt]: 1,
  [Op.JumpIfNotLeInt]: 1,
  [Op.JumpIfNotGtInt]: 1,
  [Op.JumpIfNotGeInt]: 1,
  [Op.JumpIfNotEqInt]: 1,
  [Op.JumpIfNotNeqInt]: 1,
};

/** Operand positions that index the constant pool, for the disassembler. */
export const CONST_OPERAND: Partial<Record<Op, number>> = {
  [Op.Const]: 0,
  [Op.GetName]: 0,
  [Op.SetName]: 0,
  [Op.Fail]: 0,
  [Op.CallName]: 0,
  [Op.CallMethod]: 0,
  [Op.CallMethodOpt]: 0,
  [Op.CallNameSpread]: 0,
  [Op.CallMethodSpread]: 0,
  [Op.TailCallName]: 0,
  [Op.GetProp]: 0,
  [Op.GetPropOpt]: 0,
  [Op.SetProp]: 0,
  [Op.DictRest]: 0,
};
