// The VM: builtin and method registries, module instances and their
// import bindings, tasks and the scheduler, and the output sink. It
// implements the services the interpreter loop asks for (`RuntimeApi`).
// Embedders create one `Vm` per program run; nothing here is global.

import type { CompiledModule } from "../bytecode/proto.ts";
import { nearestName } from "../diagnostics/suggest.ts";
import { display, typeName } from "./display.ts";
import { ErrorKind, runtimeError, typeError, VmError } from "./errors.ts";
import { enterClosure } from "./calls.ts";
import { execute } from "./interpreter.ts";
import { type JitMode, jitThreshold } from "./jit/tier.ts";
import type { CallInterceptor, RuntimeApi } from "./runtime-api.ts";
import { Scheduler } from "./scheduler.ts";
import { type AmbientContext, type FrameModule, Task, TaskState } from "./task.ts";
import {
  type BuiltinContext,
  type BuiltinFn,
  BuiltinRef,
  type BuiltinResult,
  CallRequest,
  Closure,
  Dict,
  StructValue,
  type TypeValue,
  type Value,
} from "./values.ts";

export type MethodFn = (receiver: Value, args: Value[], ctx: BuiltinContext) => BuiltinResult;

/** Loads and compiles an imported module: `spec` as written, relative to `fromFile`. */
export interface ModuleLoader {
  load(fromFile: string, spec: string): CompiledModule;
}

export interface VmOptions {
  /** Receives everything the program prints (log/print/println). */
  readonly output?: (text: string) => void;
  /** Receives diagnostics written to stderr (eprint, warnings). */
  readonly errorOutput?: (text: string) => void;
  readonly loader?: ModuleLoader;
  /** The root task's ambient context. */
  readonly rootContext: AmbientContext;
  readonly maxFrames?: number;
  /** The compiling tier: "on" (default) compiles hot functions, "eager" every function, "off" none. */
  readonly jit?: JitMode;
}

interface Binding {
  readonly module: ModuleInstance;
  readonly index: number;
}

export class ModuleInstance implements FrameModule {
  readonly globals: Value[];
  readonly imports = new Map<string, Binding>();
  /** Names this module offers importers (own exports plus `pub import` re-exports). */
  readonly exports = new Map<string, Binding>();
  constructor(readonly compiled: CompiledModule) {
    this.globals = new Array<Value>(compiled.globals.length);
    compiled.exports.forEach((name) => {
      const index = compiled.globals.indexOf(name);
      if (index >= 0) this.exports.set(name, { module: this, index });
    });
  }
  get file(): string {
    return this.compiled.file;
  }
}

export interface RunResult {
  readonly value: Value;
  readonly error: VmError | null;
}

export class Vm implements RuntimeApi {
  readonly builtins = new Map<string, BuiltinRef>();
  readonly methods = new Map<string, Map<string, MethodFn>>();
  readonly globals = new Map<string, Value>();
  readonly maxFrames: number;
  readonly jitThreshold: number;
  callInterceptor: CallInterceptor | null = null;
  readonly scheduler: Scheduler;
  private readonly modules = new Map<string, ModuleInstance>();
  /** Tasks that have not finished yet. */
  readonly liveTasks = new Set<Task>();
  private nextTaskId = 0;
  private readonly output: (text: string) => void;
  private readonly errorOutput: (text: string) => void;

  constructor(private readonly options: VmOptions) {
    this.maxFrames = options.maxFrames ?? 100_000;
    this.jitThreshold = jitThreshold(options.jit ?? "on");
    this.output = options.output ?? ((t) => void t);
    this.errorOutput = options.errorOutput ?? ((t) => void t);
    this.scheduler = new Scheduler(
      (task) => execute(this, task),
      (task) => this.finished(task),
    );
  }

  // ---- registration -------------------------------------------------------

  registerBuiltin(name: string, fn: BuiltinFn): void {
    this.builtins.set(name, new BuiltinRef(name, fn));
  }

  registerMethod(type: string, name: string, fn: MethodFn): void {
    let table = this.methods.get(type);
    if (!table) {
      table = new Map();
      this.methods.set(type, table);
    }
    table.set(name, fn);
  }

  /** Program output from the running task (a child task's output is buffered until it is joined). */
  write(text: string): void {
    const task = this.scheduler.current;
    if (task !== null && task.output !== null) task.output.push(text);
    else this.output(text);
  }

  /** Appends a finished child's buffered output to the output of `into`, the task joining it. */
  adoptOutput(child: Task, into: Task): void {
    const buffered = child.output;
    if (buffered === null || buffered.length === 0) return;
    child.output = [];
    const text = buffered.join("");
    if (into.output !== null) into.output.push(text);
    else this.output(text);
  }

  writeError(text: string): void {
    this.errorOutput(text);
  }

  // ---- RuntimeApi -------------------------------------------------------------

  resolveName(module: FrameModule, name: string, localNames: readonly string[] = []): Value {
    const bound = (module as ModuleInstance).imports?.get(name);
    if (bound) {
      const v = bound.module.globals[bound.index];
      if (v === undefined) throw new VmError(ErrorKind.UndefinedVariable, name);
      return v;
    }
    const b = this.builtins.get(name);
    if (b) return b;
    const g = this.globals.get(name);
    if (g !== undefined) return g;
    const known = [
      ...localNames,
      ...((module as ModuleInstance).compiled?.globals ?? []),
      ...this.globals.keys(),
      ...this.builtins.keys(),
    ];
    const suggestion = nearestName(name, known);
    if (suggestion === null) throw new VmError(ErrorKind.UndefinedVariable, name);
    throw runtimeError(`Undefined variable: ${name} (did you mean \`${suggestion}\`?)`);
  }

  resolveCallee(module: FrameModule, name: string): Value {
    const bound = (module as ModuleInstance).imports?.has(name);
    if (bound || this.builtins.has(name) || this.globals.has(name)) return this.resolveName(module, name);
    const suggestion = nearestName(name, this.builtins.keys());
    if (suggestion === null) throw new VmError(ErrorKind.UndefinedBuiltin, name);
    throw runtimeError(`Undefined builtin: ${name} (did you mean \`${suggestion}\`?)`);
  }

  assignName(module: FrameModule, name: string, value: Value): void {
    const bound = (module as ModuleInstance).imports?.get(name);
    if (bound) throw new VmError(ErrorKind.Immutable, name);
    if (this.globals.has(name)) {
      this.globals.set(name, value);
      return;
    }
    throw new VmError(ErrorKind.UndefinedVariable, name);
  }

  globalName(module: FrameModule, index: number): string {
    return (module as ModuleInstance).compiled?.globals[index] ?? `global#${index}`;
  }

  builtinMethod(type: string, name: string): MethodFn | undefined {
    return this.methods.get(type)?.get(name) ?? this.methods.get("*")?.get(name);
  }

  callMethod(receiver: Value, name: string, args: Value[], ctx: BuiltinContext): BuiltinResult {
    const type = typeName(receiver);
    const fn = this.builtinMethod(type, name);
    if (fn) return fn(receiver, args, ctx);
    if (receiver instanceof Dict) {
      const member = receiver.map.get(name);
      if (member instanceof Closure || member instanceof BuiltinRef) return new CallRequest(member, args);
    }
    throw typeError(`${type} has no method \`${name}\``);
  }

  callType(type: TypeValue, args: Value[]): BuiltinResult {
    if (type.decl.kind === "struct") {
      const init = args[0];
      if (!(init instanceof Dict)) throw typeError(`${type.name}(...) expects a dict of fields`);
      return new StructValue(type, new Map(init.map));
    }
    throw typeError(`Cannot call ${display(type)}`);
  }

  hostError(e: unknown): VmError {
    if (e instanceof VmError) return e;
    const message = e instanceof Error ? e.message : String(e);
    return runtimeError(message);
  }

  contextFor(task: Task): BuiltinContext {
    let ctx = task.builtinContext as BuiltinContext | null;
    if (ctx === null) {
      ctx = { vm: this, task };
      task.builtinContext = ctx;
    }
    return ctx;
  }

  shouldYield(): boolean {
    return this.scheduler.shouldYield();
  }

  // ---- modules ------------------------------------------------------------------

  /** Creates instances for `compiled` and everything it imports; returns them in init order. */
  private instantiate(
    compiled: CompiledModule,
    order: ModuleInstance[],
    active: Set<string>,
  ): ModuleInstance {
    const known = this.modules.get(compiled.file);
    if (known) return known;
    const mod = new ModuleInstance(compiled);
    this.modules.set(compiled.file, mod);
    active.add(compiled.file);
    for (const req of compiled.imports) {
      const loader = this.options.loader;
      if (!loader) throw runtimeError(`cannot import "${req.path}": no module loader`);
      const target = this.instantiate(loader.load(compiled.file, req.path), order, active);
      this.bindImport(mod, target, req.names, req.isPub, req.path);
    }
    active.delete(compiled.file);
    order.push(mod);
    return mod;
  }

  private bindImport(
    into: ModuleInstance,
    from: ModuleInstance,
    names: readonly string[] | undefined,
    isPub: boolean,
    path: string,
  ): void {
    const entries = names
      ? names.map((n) => {
          const b = from.exports.get(n) ?? this.privateBinding(from, n);
          if (!b) throw runtimeError(`Import error: '${n}' is not exported by "${path}"`);
          return [n, b] as const;
        })
      : [...from.exports];
    for (const [name, binding] of entries) {
      into.imports.set(name, binding);
      if (isPub) {
        const existing = into.exports.get(name);
        if (existing && (existing.module !== binding.module || existing.index !== binding.index)) {
          throw runtimeError(`Import collision: '${name}' is exported by more than one module`);
        }
        into.exports.set(name, binding);
      }
    }
  }

  /** Selective imports may name any top-level function, not only `pub` ones. */
  private privateBinding(from: ModuleInstance, name: string): Binding | undefined {
    const index = from.compiled.globals.indexOf(name);
    return index >= 0 ? { module: from, index } : undefined;
  }

  // ---- tasks ----------------------------------------------------------------------

  /** A new task that will run `closure` with `args` (not yet scheduled). */
  createTask(closure: Closure, args: Value[], ctx: AmbientContext, name: string, parent: Task | null): Task {
    const task = new Task(this.nextTaskId++, ctx, name);
    this.liveTasks.add(task);
    task.parent = parent;
    parent?.children.add(task);
    const fiber = task.mainFiber;
    for (let i = 0; i < args.length; i++) fiber.stack[i] = args[i]!;
    fiber.sp = args.length;
    enterClosure(this, fiber, closure, 0, args.length, 0);
    return task;
  }

  /** Runs a task to completion. */
  runTask(task: Task): Promise<RunResult> {
    return new Promise((resolve) => {
      task.onDone.push((t) => resolve({ value: t.result, error: t.error }));
      this.scheduler.runNow(task);
    });
  }

  private finished(task: Task): void {
    task.state = TaskState.Done;
    this.liveTasks.delete(task);
    for (const child of task.children) if (child.state !== TaskState.Done) this.cancelTask(child);
    task.parent?.children.delete(task);
    for (const cb of task.onDone.splice(0)) cb(task);
    // A finished task lives on only as its handle's result: drop its stack and frames.
    const fiber = task.mainFiber;
    fiber.stack.length = 0;
    fiber.frames.length = 0;
    fiber.framePool.length = 0;
    task.builtinContext = null;
  }

  /** Cancels every unfinished task (host shutdown, test timeouts). */
  cancelAll(): void {
    for (const task of [...this.liveTasks]) this.cancelTask(task);
  }

  /** Cancels a task: it stops at its next checkpoint or wakes from its wait with an error. */
  cancelTask(task: Task): void {
    if (task.state === TaskState.Done) return;
    task.cancelled = true;
    const error = new VmError(ErrorKind.Categorized, "task cancelled", null, "cancelled");
    if (task.state === TaskState.Parked) this.scheduler.interruptParked(task, error);
    else task.interrupt = error;
  }

  /**
   * A task parked past its deadline must wake with "Deadline exceeded";
   * running tasks notice at their next checkpoint.
   */
  armDeadline(task: Task, ms: number): void {
    const timer = setTimeout(() => {
      const now = Date.now();
      const due = task.deadlines.find((d) => !d.fired && d.at <= now);
      if (!due || task.state !== TaskState.Parked) return;
      due.fired = true;
      this.scheduler.interruptParked(task, runtimeError("Deadline exceeded"));
    }, ms + 1);
    (timer as { unref?: () => void }).unref?.();
  }

  /** Runs a compiled program: module initialisers in dependency order, then the entry. */
  async run(entry: CompiledModule): Promise<RunResult> {
    const order: ModuleInstance[] = [];
    let main: ModuleInstance;
    try {
      main = this.instantiate(entry, order, new Set());
    } catch (e) {
      return { value: null, error: this.hostError(e) };
    }
    for (const mod of order) {
      const closure = new Closure(mod.compiled.main, [], mod);
      const task = this.createTask(
        closure,
        [],
        this.options.rootContext,
        mod === main ? "main" : mod.file,
        null,
      );
      const result = await this.runTask(task);
      if (result.error || mod === main) return result;
    }
    return { value: null, error: null };
  }
}
