// Scoped shared cells and maps (spec "Scoped shared state"). Child tasks
// copy ordinary values; these named, scoped containers are the explicit
// exception, shared by every task that resolves the same scope and key.
// Writes are last-write-wins; `*_snapshot` returns `{value, version}` and
// `*_cas` succeeds only when the value (and, for a snapshot, the version)
// still matches. Tasks interleave only at suspension points, so each
// operation here is atomic without locks. Counters follow the reference's
// metrics (reads, writes, CAS successes/failures, stale snapshots).

import { valuesEqual } from "../../vm/compare.ts";
import { display } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import type { Task } from "../../vm/task.ts";
import { compareKeys, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { mailboxMetricRows } from "./mailbox.ts";
import {
  dictString,
  handleValue,
  resolveScope,
  type ScopedKey,
  scopedFromHandleOrName,
  scopedFromOpenArgs,
  scopedId,
} from "./scope.ts";

interface Counters {
  read_count: number;
  write_count: number;
  cas_success_count: number;
  cas_failure_count: number;
  stale_read_count: number;
}

/** What a cell or map holds besides its data. */
class Versioned {
  version = 0;
  readonly counters: Counters = {
    read_count: 0,
    write_count: 0,
    cas_success_count: 0,
    cas_failure_count: 0,
    stale_read_count: 0,
  };
  constructor(readonly scoped: ScopedKey) {}

  /** A CAS against `expected` (a plain value or a snapshot) where the current value is `current`. */
  compareAndCount(current: Value, expected: Value): boolean {
    const [value, version] = snapshotExpected(expected);
    if ((version === null || version === this.version) && valuesEqual(current, value)) {
      this.version++;
      this.counters.write_count++;
      this.counters.cas_success_count++;
      return true;
    }
    this.counters.cas_failure_count++;
    if (version !== null && version !== this.version) this.counters.stale_read_count++;
    return false;
  }

  metrics(): Dict {
    return Dict.of({ version: this.version, ...this.counters });
  }
}

class Cell extends Versioned {
  value: Value = null;
}

class SharedMap extends Versioned {
  entries = new Map<string, Value>();
}

function snapshotValue(value: Value, version: number): Dict {
  return Dict.of({ _type: "shared_snapshot", value, version });
}

/** The value and version a CAS expects: a snapshot dict carries both, anything else only a value. */
function snapshotExpected(v: Value): [Value, number | null] {
  if (!(v instanceof Dict) || v.map.get("_type") !== "shared_snapshot") return [v, null];
  const version = v.map.get("version");
  const n = typeof version === "bigint" ? Number(version) : version;
  return [v.get("value"), typeof n === "number" && n >= 0 ? n : null];
}

function emptyMetrics(): Dict {
  return new Versioned({ scope: "", key: "" }).metrics();
}

function withScope(kind: string, s: ScopedKey, metrics: Dict): Dict {
  return new Dict(new Map([...metrics.map, ["_type", kind], ["scope", s.scope], ["key", s.key]]));
}

function byScopedKey(a: { scoped: ScopedKey }, b: { scoped: ScopedKey }): number {
  return compareKeys(a.scoped.scope, b.scoped.scope) || compareKeys(a.scoped.key, b.scoped.key);
}

/** The shared cells and maps of one VM. */
export class SharedState {
  private readonly cells = new Map<string, Cell>();
  private readonly maps = new Map<string, SharedMap>();

  constructor(private readonly vm: Vm) {}

  cell(s: ScopedKey, initial?: Value): Cell {
    const id = scopedId(s);
    let c = this.cells.get(id);
    if (!c) {
      c = new Cell(s);
      if (initial !== undefined) c.value = initial;
      this.cells.set(id, c);
    }
    return c;
  }

  map(s: ScopedKey, initial?: Dict | null): SharedMap {
    const id = scopedId(s);
    let m = this.maps.get(id);
    if (!m) {
      m = new SharedMap(s);
      if (initial) m.entries = new Map(initial.map);
      this.maps.set(id, m);
    }
    return m;
  }

  /** `shared_metrics`: one container's counters, or every container with its scope. */
  metrics(kind: string | null, s: ScopedKey | null): Value {
    if (s !== null && kind === "shared_cell") return this.cells.get(scopedId(s))?.metrics() ?? emptyMetrics();
    if (s !== null && kind === "shared_map") return this.maps.get(scopedId(s))?.metrics() ?? emptyMetrics();
    if (s !== null && kind === "mailbox") return mailboxMetricRows(this.vm, s)[0] ?? null;
    const rows: Dict[] = [];
    for (const c of [...this.cells.values()].sort(byScopedKey))
      rows.push(withScope("shared_cell", c.scoped, c.metrics()));
    for (const m of [...this.maps.values()].sort(byScopedKey))
      rows.push(withScope("shared_map", m.scoped, m.metrics()));
    for (const row of mailboxMetricRows(this.vm, null)) rows.push(row);
    return rows;
  }
}

const states = new WeakMap<Vm, SharedState>();

export function sharedStateFor(vm: Vm): SharedState {
  let s = states.get(vm);
  if (!s) {
    s = new SharedState(vm);
    states.set(vm, s);
  }
  return s;
}

function need(args: Value[], n: number, message: string): void {
  if (args.length < n) throw runtimeError(message);
}

export function registerSharedStateBuiltins(vm: Vm): void {
  const state = sharedStateFor(vm);
  const cellOf = (task: Task, v: Value, fn: string): Cell =>
    state.cell(scopedFromHandleOrName(task, v, "shared_cell", fn));
  const mapOf = (task: Task, v: Value, fn: string): SharedMap =>
    state.map(scopedFromHandleOrName(task, v, "shared_map", fn));

  vm.registerBuiltin("shared_scope_id", (args, { task }) => {
    const options = args[1] instanceof Dict ? args[1] : null;
    const raw = args.length > 0 ? display(args[0]!) : null;
    return resolveScope(task, raw, options, "shared_scope_id");
  });

  vm.registerBuiltin("shared_cell", (args, { task }) => {
    const { scoped, options } = scopedFromOpenArgs(task, args, "shared_cell", "key");
    const initial = options?.map.get("initial") ?? args[1] ?? null;
    state.cell(scoped, initial);
    return handleValue("shared_cell", scoped);
  });
  vm.registerBuiltin("shared_get", (args, { task }) => {
    need(args, 1, "shared_get: handle is required");
    const c = cellOf(task, args[0]!, "shared_get");
    c.counters.read_count++;
    return c.value;
  });
  vm.registerBuiltin("shared_snapshot", (args, { task }) => {
    need(args, 1, "shared_snapshot: handle is required");
    const c = cellOf(task, args[0]!, "shared_snapshot");
    c.counters.read_count++;
    return snapshotValue(c.value, c.version);
  });
  vm.registerBuiltin("shared_set", (args, { task }) => {
    need(args, 1, "shared_set: handle is required");
    const c = cellOf(task, args[0]!, "shared_set");
    const old = c.value;
    c.value = args[1] ?? null;
    c.version++;
    c.counters.write_count++;
    return old;
  });
  vm.registerBuiltin("shared_cas", (args, { task }) => {
    need(args, 3, "shared_cas: requires handle, expected, and new value");
    const c = cellOf(task, args[0]!, "shared_cas");
    if (!c.compareAndCount(c.value, args[1]!)) return false;
    c.value = args[2]!;
    return true;
  });

  vm.registerBuiltin("shared_map", (args, { task }) => {
    const { scoped, options } = scopedFromOpenArgs(task, args, "shared_map", "key");
    const initial = options?.map.get("initial") ?? args[1];
    state.map(scoped, initial instanceof Dict ? initial : null);
    return handleValue("shared_map", scoped);
  });
  vm.registerBuiltin("shared_map_get", (args, { task }) => {
    need(args, 2, "shared_map_get: requires handle and key");
    const m = mapOf(task, args[0]!, "shared_map_get");
    m.counters.read_count++;
    return m.entries.get(display(args[1]!)) ?? args[2] ?? null;
  });
  vm.registerBuiltin("shared_map_snapshot", (args, { task }) => {
    need(args, 2, "shared_map_snapshot: requires handle and key");
    const m = mapOf(task, args[0]!, "shared_map_snapshot");
    m.counters.read_count++;
    return snapshotValue(m.entries.get(display(args[1]!)) ?? null, m.version);
  });
  vm.registerBuiltin("shared_map_entries", (args, { task }) => {
    need(args, 1, "shared_map_entries: handle is required");
    const m = mapOf(task, args[0]!, "shared_map_entries");
    m.counters.read_count++;
    return new Dict(new Map(m.entries));
  });
  vm.registerBuiltin("shared_map_set", (args, { task }) => {
    need(args, 3, "shared_map_set: requires handle, key, and value");
    const m = mapOf(task, args[0]!, "shared_map_set");
    const key = display(args[1]!);
    const old = m.entries.get(key) ?? null;
    m.entries.set(key, args[2]!);
    m.version++;
    m.counters.write_count++;
    return old;
  });
  vm.registerBuiltin("shared_map_delete", (args, { task }) => {
    need(args, 2, "shared_map_delete: requires handle and key");
    const m = mapOf(task, args[0]!, "shared_map_delete");
    const key = display(args[1]!);
    const old = m.entries.get(key) ?? null;
    m.entries.delete(key);
    if (old !== null) {
      m.version++;
      m.counters.write_count++;
    }
    return old;
  });
  vm.registerBuiltin("shared_map_cas", (args, { task }) => {
    need(args, 4, "shared_map_cas: requires handle, key, expected, and new value");
    const m = mapOf(task, args[0]!, "shared_map_cas");
    const key = display(args[1]!);
    if (!m.compareAndCount(m.entries.get(key) ?? null, args[2]!)) return false;
    if (args[3] === null) m.entries.delete(key);
    else m.entries.set(key, args[3]!);
    return true;
  });

  vm.registerBuiltin("shared_metrics", (args, { task }) => {
    const handle = args[0];
    if (!(handle instanceof Dict)) return state.metrics(null, null);
    const kind = dictString(handle, "_type");
    if (kind === null) throw runtimeError("shared_metrics: handle missing _type");
    return state.metrics(kind, scopedFromHandleOrName(task, handle, kind, "shared_metrics"));
  });
}
