// Static operand-stack effects: for an instruction and the stack depth before
// it, the depth after it on the fall-through path and on each jump edge. The
// compiler keeps depths consistent at every join, so a whole function's
// depths can be computed ahead of time (the compiling tier relies on it).

import { Op } from "./opcodes.ts";

export interface Flow {
  /** Depth on the fall-through path, or null when control never falls through. */
  readonly fall: number | null;
  /** [target, depth at target] for each jump or handler edge. */
  readonly jumps: readonly (readonly [number, number])[];
}

const NONE: Flow["jumps"] = [];

function fall(d: number): Flow {
  return { fall: d, jumps: NONE };
}

function branch(fallDepth: number | null, target: number, targetDepth: number): Flow {
  return { fall: fallDepth, jumps: [[target, targetDepth]] };
}

const END: Flow = { fall: null, jumps: NONE };

/** The flow of `op` with operands `a`, entered with `d` values on the operand stack; undefined if unknown. */
export function stackFlow(op: Op, a: ArrayLike<number>, d: number): Flow | undefined {
  switch (op) {
    case Op.Nop:
    case Op.Swap:
    case Op.NewCell:
    case Op.Neg:
    case Op.Not:
    case Op.GetProp:
    case Op.GetPropOpt:
    case Op.IterInit:
    case Op.TryEnd:
    case Op.CatchValue:
    case Op.WrapOk:
    case Op.WrapErr:
    case Op.TryUnwrap:
    case Op.CheckDestructure:
    case Op.ListRest:
    case Op.DictRest:
    case Op.CheckParam:
    case Op.AddLocal:
    case Op.AddInt:
    case Op.IncLocal:
    case Op.LtInt:
    case Op.LeInt:
    case Op.GtInt:
    case Op.GeInt:
    case Op.EqInt:
    case Op.NeqInt:
      return fall(d);
    case Op.Const:
    case Op.Nil:
    case Op.True:
    case Op.False:
    case Op.Int:
    case Op.Dup:
    case Op.GetLocal:
    case Op.GetCell:
    case Op.GetGlobal:
    case Op.GetName:
    case Op.Closure:
      return fall(d + 1);
    case Op.Pop:
    case Op.SetLocal:
    case Op.SetCell:
    case Op.SetGlobal:
    case Op.SetName:
    case Op.Add:
    case Op.Sub:
    case Op.Mul:
    case Op.Div:
    case Op.Mod:
    case Op.Pow:
    case Op.Eq:
    case Op.Neq:
    case Op.Lt:
    case Op.Gt:
    case Op.Le:
    case Op.Ge:
    case Op.In:
    case Op.NotIn:
    case Op.ListPush:
    case Op.ListExtend:
    case Op.DictSpread:
    case Op.SetProp:
    case Op.GetIndex:
    case Op.GetIndexOpt:
    case Op.MakeRange:
      return fall(d - 1);
    case Op.DictPut:
    case Op.SetIndex:
    case Op.Slice:
      return fall(d - 2);
    case Op.MakeList:
    case Op.Interp:
      return fall(d - a[0]! + 1);
    case Op.MakeDict:
      return fall(d - 2 * a[0]! + 1);
    case Op.Call:
    case Op.CallMethod:
    case Op.CallMethodOpt:
      return fall(d - a[op === Op.Call ? 0 : 1]!);
    case Op.CallName:
      return fall(d - a[1]! + 1);
    case Op.TailCall:
      return fall(d - a[0]!);
    case Op.TailCallName:
      return fall(d - a[1]! + 1);
    case Op.CallSpread:
    case Op.CallMethodSpread:
      return fall(d - 1);
    case Op.CallNameSpread:
      return fall(d);
    case Op.Return:
    case Op.Throw:
    case Op.Rethrow:
    case Op.Fail:
      return END;
    case Op.Jump:
      return branch(null, a[0]!, d);
    case Op.JumpIfFalse:
    case Op.JumpIfTrue:
      return branch(d - 1, a[0]!, d - 1);
    case Op.JumpIfFalseKeep:
    case Op.JumpIfTrueKeep:
    case Op.JumpIfNotNilKeep:
      return branch(d - 1, a[0]!, d);
    case Op.JumpIfNilKeep:
      return branch(d, a[0]!, d);
    case Op.JumpIfArgGiven:
      return branch(d, a[1]!, d);
    case Op.IterNext:
      return branch(d + 1, a[1]!, d);
    case Op.TryBegin:
      return branch(d, a[0]!, d + 1);
    case Op.JumpIfNotLt:
    case Op.JumpIfNotLe:
    case Op.JumpIfNotGt:
    case Op.JumpIfNotGe:
    case Op.JumpIfNotEq:
    case Op.JumpIfNotNeq:
      return branch(d - 2, a[0]!, d - 2);
    case Op.JumpIfNotLtInt:
    case Op.JumpIfNotLeInt:
    case Op.JumpIfNotGtInt:
    case Op.JumpIfNotGeInt:
    case Op.JumpIfNotEqInt:
    case Op.JumpIfNotNeqInt:
      return branch(d - 1, a[1]!, d - 1);
    default:
      // GetCapture, GetCaptureCell, Checkpoint (never emitted) and Yield (generators).
      return undefined;
  }
}
