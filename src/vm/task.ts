// Tasks, fibers and frames. A Task is a green thread with its own ambient
// context; its code runs on fibers (the task's main fiber plus one per
// generator it drives), and each fiber keeps its frames and operand stack
// on the heap, so deep Harn recursion never grows the JS stack and a task
// can park on a Promise between any two instructions.

import type { FnProto } from "../bytecode/proto.ts";
import type { VmError } from "./errors.ts";
import type { CallRequest, Closure, GeneratorValue, Value } from "./values.ts";

/** An open `try` region: where to jump and how deep the stack was. */
export interface Handler {
  readonly target: number;
  readonly sp: number;
}

/** Module state a frame runs against (the VM's module instance). */
export interface FrameModule {
  readonly globals: Value[];
  readonly file: string;
}

export class Frame {
  ip = 0;
  handlers: Handler[] | null = null;
  /** For a native frame stepping a `for` loop: where to jump when it returns no value. */
  loopExit = -1;
  /**
   * For a native frame whose callback runs directly on the JS stack
   * (calls.ts `driveNative`): the callback's result is kept here instead of
   * resuming the builtin recursively.
   */
  stashing = false;
  stashed: Value | undefined = undefined;
  /** A native frame whose builtin handles errors from the Harn code it calls (NativeCall.catchesErrors). */
  catchesErrors = false;

  // Not readonly: frames of finished direct calls from compiled code are recycled (Fiber.framePool).
  constructor(
    public proto: FnProto | null,
    public code: Int32Array,
    /** Linked constants of `proto`. */
    public k: Value[],
    /** Stack index of local slot 0. */
    public base: number,
    public closure: Closure | null,
    public module: FrameModule,
    /** Arguments the caller passed (default parameters fill the rest). */
    public argc: number,
    /** Stack height to restore when the frame returns. */
    public retSp: number,
    /** Set for builtins that call back into Harn (`list.map(f)`). */
    readonly native: Generator<CallRequest, Value, Value> | null,
  ) {}
}

export enum ResumeKind {
  /** `gen.next()`: deliver `{value, done}` dicts. */
  NextDict,
  /** A for-loop: deliver the value, or jump to `resumeTarget` when done. */
  Iterate,
}

export class Fiber {
  readonly frames: Frame[] = [];
  readonly stack: Value[] = [];
  sp = 0;
  /** The fiber that resumed this one (generators), or null for a task's main fiber. */
  parent: Fiber | null = null;
  resumeKind = ResumeKind.NextDict;
  resumeTarget = 0;
  started = false;
  done = false;
  /** The generator value this fiber runs, if any. */
  generator: GeneratorValue | null = null;
  /** Frames known to be unreferenced, for reuse by the next call (see jit/tier.ts `invoke`). */
  readonly framePool: Frame[] = [];
}

export enum TaskState {
  Ready,
  Running,
  Parked,
  Done,
}

/**
 * The ambient scope of a task (DESIGN §4). The VM only needs to derive
 * children; the runtime layer supplies the implementation.
 */
export interface AmbientContext {
  /** Copy for an inline subtask (parallel bodies): everything is inherited. */
  forInlineSubtask(): AmbientContext;
  /** Copy for a spawned worker: the inherited set only. */
  forSpawnedWorker(): AmbientContext;
}

/** What a parked task does with the settled value of the Promise it waits on. */
export type Continuation =
  | { readonly kind: "push" }
  /** A for-loop step from an asynchronous source: push the value, or jump to `target` when done. */
  | { readonly kind: "iterate"; readonly target: number }
  | { readonly kind: "native"; readonly frame: Frame }
  | { readonly kind: "discard" };

/** A task's logical identity (`runtime_context()` fields). */
export interface TaskIdentity {
  readonly id: string;
  readonly name: string;
  readonly parentId: string | null;
  readonly rootId: string;
  readonly groupId: string | null;
}

export class Task {
  state = TaskState.Ready;
  /** Logical identity; ids are derived deterministically from the parent's. */
  identity: TaskIdentity = {
    id: "task_root",
    name: "root",
    parentId: null,
    rootId: "task_root",
    groupId: null,
  };
  /** Counts `spawn`s and `parallel` groups this task created, for deterministic child ids. */
  spawnCounter = 0;
  groupCounter = 0;
  /** Output of a child task, handed to its parent when joined; null writes straight to the VM sink. */
  output: string[] | null = null;
  /** Set by `cancel_graceful`: the task should wind down (`is_cancelled()`). */
  cancelRequested = false;
  fiber: Fiber;
  readonly mainFiber: Fiber;
  result: Value = null;
  error: VmError | null = null;
  /** Set while parked: how to deliver the awaited result. */
  continuation: Continuation | null = null;
  /** Instructions compiled code may run before the next checkpoint (loop back-edges and calls). */
  jitBudget = 10_000;
  /** Compiled functions currently nested on the JS stack by direct calls. */
  jitDepth = 0;
  /** What builtins called by this task receive (Vm.contextFor). */
  builtinContext: unknown = null;
  /** Incremented per park, so a stale settlement cannot resume a later park. */
  parkCount = 0;
  /** Releases whatever a parked task waits on (timer, queue slot) when it is interrupted. */
  cancelWait: (() => void) | null = null;
  /** The Promise a parked task waits on. */
  waitingOn: Promise<Value> | null = null;
  /** A settled promise's outcome waiting to be delivered on resume. */
  resumeValue: Value = null;
  resumeError: unknown = undefined;
  hasResumeError = false;
  /** Raised at the next checkpoint (cancellation, deadline). */
  interrupt: VmError | null = null;
  cancelled = false;
  /** Absolute times (ms since epoch) of open `deadline` scopes, innermost last. */
  readonly deadlines: { at: number; id: number; fired: boolean }[] = [];
  readonly onDone: ((t: Task) => void)[] = [];
  /** Child tasks spawned by this task, cancelled when it finishes. */
  readonly children = new Set<Task>();
  parent: Task | null = null;

  constructor(
    readonly id: number,
    public ctx: AmbientContext,
    readonly name: string,
  ) {
    this.mainFiber = new Fiber();
    this.fiber = this.mainFiber;
  }
}
