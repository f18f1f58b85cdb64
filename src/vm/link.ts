// Links a compiled prototype for execution: materialises its constant pool
// into runtime values once, and gives it per-call-site caches for names
// resolved at run time (builtins and imports never change once loaded).

import type { Constant, FnProto } from "../bytecode/proto.ts";
import type { SchemaJson } from "../check/type-schema.ts";
import { Dict, Duration, HFloat, type Value } from "./values.ts";

export interface LinkedProto {
  readonly k: Value[];
  /** Resolved callee / value per code index of CallName/GetName sites, for `owner`'s VM. */
  sites: (Value | undefined)[];
  /** The VM the site cache was filled for; another VM running the same prototype starts it afresh. */
  owner: unknown;
  /** Compiled code (jit/tier.ts): undefined until tried, null when the tier cannot take the function. */
  jit: unknown;
  /** Entries counted towards compiling the function. */
  heat: number;
}

function materialize(c: Constant): Value {
  switch (c.k) {
    case "int":
      return c.v;
    case "float":
      return new HFloat(c.v);
    case "str":
      return c.v;
    case "duration":
      return new Duration(c.v);
    case "strs":
      return [...c.v];
    case "json":
      return fromJson(c.v);
    case "decl":
    case "type":
      // Declarations and type annotations are read by intrinsics, not printed.
      return c.v as unknown as Value;
  }
}

function fromJson(v: SchemaJson): Value {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(fromJson);
  return new Dict(new Map(Object.entries(v).map(([k, x]) => [k, fromJson(x)])));
}

export function link(proto: FnProto): LinkedProto {
  let rt = proto.runtime as LinkedProto | undefined;
  if (rt === undefined) {
    rt = { k: proto.consts.map(materialize), sites: [], owner: undefined, jit: undefined, heat: 0 };
    proto.runtime = rt;
  }
  return rt;
}

/** The call-site cache of `proto` for the VM `owner` (names resolve differently per VM). */
export function sitesFor(proto: FnProto, owner: unknown): (Value | undefined)[] {
  const linked = link(proto);
  if (linked.owner !== owner) {
    linked.owner = owner;
    linked.sites = [];
  }
  return linked.sites;
}
