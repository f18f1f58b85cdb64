// Checkpoints for resumable pipelines: `checkpoint(key, value)`,
// `checkpoint_get`, `checkpoint_exists` (true even for a nil value),
// `checkpoint_list`, `checkpoint_delete` and `checkpoint_clear`. The keys of
// one program live in `<state root>/checkpoints/<entry file stem>.json`,
// loaded on first use and rewritten crash-safely after every change, so a
// rerun after a crash sees every checkpoint the last run completed.
// Values are stored as JSON data; values without a JSON form store nil.

import { v7 as uuidV7 } from "uuid";
import { toJsonData } from "../../runtime/events/json-data.ts";
import { atomicWrite } from "../../state/atomic-write.ts";
import type { DurableFs } from "../../state/durable-fs.ts";
import { prettyJson } from "../../state/json-text.ts";
import { parentPath } from "../../state/state-paths.ts";
import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { type BuiltinContext, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { parseJson } from "../data/json-codec.ts";
import { stateBaseDir, stateRootOf } from "../state/state-root.ts";
import type { SystemHost } from "../system/host.ts";
import { joinPath, pathStem } from "../system/path-text.ts";

const encoder = new TextEncoder();

/** The stem of the program's entry file (the outermost frame from a file), else "default". */
export function entryStem(ctx: BuiltinContext): string {
  for (const frame of ctx.task.fiber.frames) {
    const file = frame.proto?.file ?? "";
    if (file !== "" && !file.startsWith("<") && !file.startsWith("std/")) {
      const stem = pathStem(file);
      return stem === "" || stem === "." || stem === ".." ? "default" : stem;
    }
  }
  return "default";
}

class CheckpointFile {
  private data: Map<string, Value> | undefined;

  constructor(
    private readonly fs: DurableFs,
    private readonly path: string,
  ) {}

  private loaded(): Map<string, Value> {
    if (this.data !== undefined) return this.data;
    this.data = new Map();
    let parsed: Value = null;
    try {
      const text = this.fs.readText(this.path);
      parsed = text === null ? null : parseJson(text);
    } catch {
      // An unreadable or torn file starts empty, as in the reference.
      parsed = null;
    }
    if (parsed instanceof Dict) for (const [k, v] of parsed.map) this.data.set(k, v);
    return this.data;
  }

  get(key: string): Value {
    return this.loaded().get(key) ?? null;
  }

  has(key: string): boolean {
    return this.loaded().has(key);
  }

  keys(): string[] {
    return [...this.loaded().keys()].sort();
  }

  set(key: string, value: Value): void {
    this.loaded().set(
      key,
      toJsonData(value, () => null),
    );
    this.save();
  }

  delete(key: string): void {
    this.loaded().delete(key);
    this.save();
  }

  clear(): void {
    this.data = new Map();
    try {
      this.fs.removeFile(this.path);
    } catch (e) {
      throw runtimeError(`checkpoint clear error: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private save(): void {
    const text = prettyJson(new Dict(new Map(this.loaded())));
    try {
      this.fs.makeDirs(parentPath(this.path));
      atomicWrite(this.fs, this.path, encoder.encode(text), uuidV7());
    } catch (e) {
      throw runtimeError(`checkpoint write error: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

export function registerCheckpoints(vm: Vm, host: SystemHost, fs: DurableFs): void {
  let file: CheckpointFile | undefined;
  // Bound on first use: the file belongs to the program's base directory and entry file.
  const store = (ctx: BuiltinContext): CheckpointFile => {
    file ??= new CheckpointFile(
      fs,
      joinPath(joinPath(stateRootOf(host, stateBaseDir(ctx, host)), "checkpoints"), `${entryStem(ctx)}.json`),
    );
    return file;
  };
  const keyOf = (args: readonly Value[]): string => (args[0] === undefined ? "" : display(args[0]));

  vm.registerBuiltin("checkpoint", (args, ctx) => {
    store(ctx).set(keyOf(args), args[1] ?? null);
    return null;
  });
  vm.registerBuiltin("checkpoint_get", (args, ctx) => store(ctx).get(keyOf(args)));
  vm.registerBuiltin("checkpoint_exists", (args, ctx) => store(ctx).has(keyOf(args)));
  vm.registerBuiltin("checkpoint_list", (_args, ctx) => store(ctx).keys());
  vm.registerBuiltin("checkpoint_delete", (args, ctx) => {
    store(ctx).delete(keyOf(args));
    return null;
  });
  vm.registerBuiltin("checkpoint_clear", (_args, ctx) => {
    store(ctx).clear();
    return null;
  });
}
