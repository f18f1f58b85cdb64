// The services the interpreter loop needs from its VM, as an interface so
// the loop does not depend on the VM class (which owns modules, builtins
// and the scheduler).

import type { FrameModule, Task } from "./task.ts";
import type { VmError } from "./errors.ts";
import type { BuiltinContext, BuiltinResult, Closure, TypeValue, Value } from "./values.ts";

export interface RuntimeApi {
  /**
   * Value of a name that is not a local or a module global (imports, builtins,
   * host globals); `localNames` (the current function's) only feed the
   * did-you-mean hint of the error.
   */
  resolveName(module: FrameModule, name: string, localNames?: readonly string[]): Value;
  /** Callee for a call by name; throws "Undefined builtin" when unknown. */
  resolveCallee(module: FrameModule, name: string): Value;
  /** Assignment to a name that is not a local or module global. */
  assignName(module: FrameModule, name: string, value: Value): void;
  /** Built-in methods of values (list.map, str.split, ...). */
  callMethod(receiver: Value, name: string, args: Value[], ctx: BuiltinContext): BuiltinResult;
  /** The builtin method `name` of values of type `type`, if any (for call-site caches). */
  builtinMethod(
    type: string,
    name: string,
  ): ((receiver: Value, args: Value[], ctx: BuiltinContext) => BuiltinResult) | undefined;
  /** Calling a struct type (`Point({x: 1})`) or another declared type. */
  callType(type: TypeValue, args: Value[]): BuiltinResult;
  /** Wraps an exception thrown by host code into a Harn error. */
  hostError(e: unknown): VmError;
  /** The context object builtins receive for `task`. */
  contextFor(task: Task): BuiltinContext;
  /** Name of a module global slot (for "Undefined variable" errors). */
  globalName(module: FrameModule, index: number): string;
  /** True when the running task should give other tasks / the event loop a turn. */
  shouldYield(task: Task): boolean;
  /** Hard cap on frames per fiber (deep non-tail recursion). */
  readonly maxFrames: number;
  /** Wraps calls to particular Harn functions (the step runtime); null when nothing is tracked. */
  readonly callInterceptor: CallInterceptor | null;
  /** Entries before a function is compiled to JavaScript (Infinity: never, 0: at once). */
  readonly jitThreshold: number;
}

/**
 * Takes over calls to the functions it tracks: `intercept` returns what the
 * call delivers instead (typically a NativeCall that does its bookkeeping
 * around a raw CallRequest of the same function).
 */
export interface CallInterceptor {
  tracks(closure: Closure): boolean;
  intercept(task: Task, closure: Closure, args: Value[]): BuiltinResult;
}
