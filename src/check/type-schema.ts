// Type annotations as schemas. A parameter annotation the runtime can check
// (primitive names, shapes, lists, dicts, literal unions, fn types) lowers
// to a schema in Harn's dict form (`{type: "int"}`, `{type: "dict",
// properties: {...}, required: [...]}`); user type names, generics and
// iterators have no runtime schema and are not checked. Type aliases are
// expanded by the caller. Plain JSON-like data, so any layer can use it.

import type { TypeExpr } from "../syntax/ast.ts";

export type SchemaJson =
  | string
  | number
  | bigint
  | boolean
  | null
  | SchemaJson[]
  | { [key: string]: SchemaJson };

const PRIMITIVES = new Set([
  "int",
  "float",
  "string",
  "bool",
  "list",
  "dict",
  "set",
  "nil",
  "closure",
  "bytes",
]);

/** The runtime schema of `type`, or null when the type is not runtime-checkable. */
export function typeToSchema(type: TypeExpr): SchemaJson | null {
  switch (type.kind) {
    case "Named":
      return PRIMITIVES.has(type.name) ? { type: type.name } : null;
    case "Shape": {
      const properties: { [key: string]: SchemaJson } = {};
      const required: SchemaJson[] = [];
      for (const f of type.fields) {
        const s = typeToSchema(f.type);
        if (s === null) return null;
        properties[f.name] = s;
        if (!f.optional) required.push(f.name);
      }
      return required.length > 0 ? { type: "dict", properties, required } : { type: "dict", properties };
    }
    case "List": {
      const items = typeToSchema(type.elem);
      return items === null ? { type: "list" } : { type: "list", items };
    }
    case "Dict": {
      const value = type.key.kind === "Named" && type.key.name === "string" ? typeToSchema(type.value) : null;
      return value === null ? { type: "dict" } : { type: "dict", additional_properties: value };
    }
    case "Union": {
      const members = type.types;
      if (members.length > 0 && members.every((m) => m.kind === "LitString")) {
        return { type: "string", enum: members.map((m) => (m as { value: string }).value) };
      }
      if (members.length > 0 && members.every((m) => m.kind === "LitInt")) {
        return { type: "int", enum: members.map((m) => (m as { value: number | bigint }).value) };
      }
      const branches = members.map(typeToSchema).filter((s): s is SchemaJson => s !== null);
      return branches.length === 0 ? null : { union: branches };
    }
    case "Fn":
      return { type: "closure" };
    case "LitString":
      return { type: "string", const: type.value };
    case "LitInt":
      return { type: "int", const: type.value };
    case "Applied":
    case "Iter":
    case "Generator":
    case "Stream":
    case "Never":
      return null;
  }
}

/** Replaces references to `aliases` inside `type` by their definitions (cycles stop expanding). */
export function expandAliases(
  type: TypeExpr,
  aliases: ReadonlyMap<string, TypeExpr>,
  seen = new Set<string>(),
): TypeExpr {
  const go = (t: TypeExpr): TypeExpr => expandAliases(t, aliases, seen);
  switch (type.kind) {
    case "Named": {
      const target = aliases.get(type.name);
      if (!target || seen.has(type.name)) return type;
      return expandAliases(target, aliases, new Set([...seen, type.name]));
    }
    case "Union":
      return { kind: "Union", types: type.types.map(go) };
    case "Shape":
      return { kind: "Shape", fields: type.fields.map((f) => ({ ...f, type: go(f.type) })) };
    case "List":
      return { kind: "List", elem: go(type.elem) };
    case "Dict":
      return { kind: "Dict", key: go(type.key), value: go(type.value) };
    case "Iter":
    case "Generator":
    case "Stream":
      return { kind: type.kind, elem: go(type.elem) };
    case "Applied":
      return { kind: "Applied", name: type.name, args: type.args.map(go) };
    case "Fn":
      return { kind: "Fn", params: type.params.map(go), ret: go(type.ret) };
    default:
      return type;
  }
}
