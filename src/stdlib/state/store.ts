// The persistent key-value store (`store_get/set/delete/list/save/clear`):
// one JSON object at `<state root>/store.json`, loaded on first use and
// rewritten crash-safely after every change (a torn store file would lose
// every key, not just the one being written). An unreadable or malformed
// file starts an empty store, as in the reference; a failed write is an
// error naming the store, never a silent loss.

import { v7 as uuidV7 } from "uuid";
import { atomicWrite } from "../../state/atomic-write.ts";
import type { DurableFs } from "../../state/durable-fs.ts";
import { prettyJson } from "../../state/json-text.ts";
import { parentPath } from "../../state/state-paths.ts";
import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { type BuiltinContext, compareKeys, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { parseJson } from "../data/json-codec.ts";
import type { SystemHost } from "../system/host.ts";
import { joinPath } from "../system/path-text.ts";
import { stateBaseDir, stateRootOf } from "./state-root.ts";

const encoder = new TextEncoder();

class StoreState {
  private data: Map<string, Value> | undefined;

  constructor(
    private readonly fs: DurableFs,
    readonly path: string,
  ) {}

  private loaded(): Map<string, Value> {
    if (this.data !== undefined) return this.data;
    this.data = new Map();
    let text: string | null = null;
    try {
      text = this.fs.readText(this.path);
    } catch {
      text = null;
    }
    if (text !== null) {
      try {
        const parsed = parseJson(text);
        if (parsed instanceof Dict) for (const [k, v] of parsed.map) this.data.set(k, v);
      } catch {
        // A malformed store starts empty, like the reference; the next save replaces it.
      }
    }
    return this.data;
  }

  get(key: string): Value {
    return this.loaded().get(key) ?? null;
  }

  keys(): string[] {
    return [...this.loaded().keys()].sort(compareKeys);
  }

  set(key: string, value: Value): void {
    this.loaded().set(key, value);
    this.save();
  }

  delete(key: string): void {
    this.loaded().delete(key);
    this.save();
  }

  clear(): void {
    this.loaded().clear();
    this.save();
  }

  save(): void {
    const text = prettyJson(new Dict(new Map(this.loaded())));
    try {
      this.fs.makeDirs(parentPath(this.path));
    } catch (e) {
      throw runtimeError(`store mkdir error: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      atomicWrite(this.fs, this.path, encoder.encode(text), uuidV7());
    } catch (e) {
      throw runtimeError(`store write error: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

export function registerStore(vm: Vm, host: SystemHost, fs: DurableFs): void {
  let state: StoreState | undefined;
  // Bound on first use: the store belongs to the program's base directory.
  const store = (ctx: BuiltinContext): StoreState => {
    state ??= new StoreState(fs, joinPath(stateRootOf(host, stateBaseDir(ctx, host)), "store.json"));
    return state;
  };
  const keyOf = (args: readonly Value[]): string => (args[0] === undefined ? "" : display(args[0]));

  vm.registerBuiltin("store_get", (args, ctx) => store(ctx).get(keyOf(args)));
  vm.registerBuiltin("store_set", (args, ctx) => {
    store(ctx).set(keyOf(args), args[1] ?? null);
    return null;
  });
  vm.registerBuiltin("store_delete", (args, ctx) => {
    store(ctx).delete(keyOf(args));
    return null;
  });
  vm.registerBuiltin("store_list", (_args, ctx) => store(ctx).keys());
  vm.registerBuiltin("store_save", (_args, ctx) => {
    store(ctx).save();
    return null;
  });
  vm.registerBuiltin("store_clear", (_args, ctx) => {
    store(ctx).clear();
    return null;
  });
}
