// UUID builtins (`uuid` v4, `uuid_v7`, `uuid_v5`, `uuid_nil`,
// `uuid_parse`) on the `uuid` package. Parsing accepts the forms Rust's
// `uuid` crate does (hyphenated, simple, braced, `urn:uuid:`) and
// normalises to lowercase hyphenated text; `uuid_v5` takes a UUID or one of
// the standard namespace names (dns, url, oid, x500).

import { v4, v5, v7 } from "uuid";
import type { Vm } from "../../vm/vm.ts";
import { fail, textArg } from "./args.ts";

const NIL_UUID = "00000000-0000-0000-0000-000000000000";
const NAMESPACES: Readonly<Record<string, string>> = {
  dns: "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
  url: "6ba7b811-9dad-11d1-80b4-00c04fd430c8",
  oid: "6ba7b812-9dad-11d1-80b4-00c04fd430c8",
  x500: "6ba7b814-9dad-11d1-80b4-00c04fd430c8",
};

/** Canonical lowercase hyphenated form of a UUID in any accepted spelling, or undefined. */
export function parseUuid(raw: string): string | undefined {
  let body = raw;
  if (/^urn:uuid:/i.test(body)) body = body.slice(9);
  else if (body.startsWith("{") && body.endsWith("}")) body = body.slice(1, -1);
  let hex: string;
  if (/^[0-9a-fA-F]{32}$/.test(body) && body === raw) hex = body;
  else if (/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(body)) {
    hex = body.replace(/-/g, "");
  } else return undefined;
  hex = hex.toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function namespaceUuid(raw: string): string | undefined {
  const lower = raw.toLowerCase();
  const known = NAMESPACES[lower.startsWith("namespace_") ? lower.slice(10) : lower];
  return known ?? parseUuid(raw);
}

export function registerUuid(vm: Vm): void {
  vm.registerBuiltin("uuid", () => v4());
  vm.registerBuiltin("uuid_v7", () => v7());
  vm.registerBuiltin("uuid_nil", () => NIL_UUID);
  vm.registerBuiltin("uuid_parse", (args) => parseUuid(textArg(args, 0, "uuid_parse", "text")) ?? null);
  vm.registerBuiltin("uuid_v5", (args) => {
    if (args.length < 2) throw fail("uuid_v5(namespace, name)", "requires namespace and name");
    const namespace = namespaceUuid(textArg(args, 0, "uuid_v5", "namespace"));
    if (namespace === undefined) {
      throw fail("uuid_v5", "namespace must be a UUID or one of dns/url/oid/x500");
    }
    return v5(textArg(args, 1, "uuid_v5", "name"), namespace);
  });
}
