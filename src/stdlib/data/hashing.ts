// Hashing and identity builtins (spec: builtins "Hashing", "HMAC and
// signature comparison"): hex digests (SHA-2 family, MD5, SHA-3, BLAKE3)
// via @noble/hashes (pure JS, so no node:crypto outside src/host), HMAC,
// constant-time comparison, and the value-identity helpers `hash_value`
// (stable FNV-1a over a structural key), `is_same` and `addr_of`.

import { blake3 } from "@noble/hashes/blake3.js";
import { hmac } from "@noble/hashes/hmac.js";
import { md5 } from "@noble/hashes/legacy.js";
import { sha224, sha256, sha384, sha512, sha512_256 } from "@noble/hashes/sha2.js";
import { sha3_256, sha3_512 } from "@noble/hashes/sha3.js";
import { valuesEqual } from "../../vm/compare.ts";
import { display, typeName } from "../../vm/display.ts";
import { normInt } from "../../vm/numbers.ts";
import { BuiltinRef, BytesValue, compareKeys, Tag, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { type KeyStyle, structuralKey } from "../args.ts";
import { bytesOrText, constantTimeEqual, textArg, toHex, utf8 } from "./args.ts";
import { encodeBase64 } from "./encoding.ts";

const DIGESTS: Readonly<Record<string, (data: Uint8Array) => Uint8Array>> = {
  sha256,
  sha224,
  sha384,
  sha512,
  sha512_256,
  md5,
  sha3_256,
  sha3_512,
  blake3: (data) => blake3(data),
};

/** HMAC-SHA256 of `message` under `key`. */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  return hmac(sha256, key, message);
}

export function sha256Bytes(data: Uint8Array): Uint8Array {
  return sha256(data);
}

// ---- hash_value -------------------------------------------------------------------

/** The structural key `hash_value` hashes: UTF-8 lengths and byte-ordered set members. */
const HASH_KEY_STYLE: KeyStyle = { length: (text) => utf8(text).length, order: compareKeys };

/** 64-bit FNV-1a over `bytes`, as a wrapped i64. */
function fnv1a64(bytes: Uint8Array): Value {
  // The 64-bit state as two 32-bit halves; the prime is 2^40 + 0x1b3.
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (const byte of bytes) {
    lo = (lo ^ byte) >>> 0;
    const product = lo * 0x1b3;
    const carry = Math.floor(product / 0x1_0000_0000);
    hi = (Math.imul(hi, 0x1b3) + carry + (lo << 8)) >>> 0;
    lo = product >>> 0;
  }
  return normInt((BigInt(hi) << 32n) | BigInt(lo));
}

export function hashValue(v: Value): Value {
  return fnv1a64(utf8(structuralKey(v, HASH_KEY_STYLE)));
}

// ---- identity ------------------------------------------------------------------------

/** Heap values with identity; everything else compares structurally. */
function hasIdentity(v: Value): boolean {
  if (Array.isArray(v)) return true;
  if (v === null || typeof v !== "object") return false;
  return v.tag === Tag.Dict || v.tag === Tag.Set || v.tag === Tag.Closure || v.tag === Tag.Pair;
}

function isSame(a: Value, b: Value): boolean {
  if (hasIdentity(a) || hasIdentity(b)) return a === b;
  if (a instanceof BytesValue && b instanceof BytesValue) return a === b || valuesEqual(a, b);
  if (a instanceof BuiltinRef && b instanceof BuiltinRef) return a.name === b.name;
  return valuesEqual(a, b);
}

export function registerHashing(vm: Vm): void {
  for (const [name, digest] of Object.entries(DIGESTS)) {
    vm.registerBuiltin(name, (args) => toHex(digest(bytesOrText(args, 0, name, "data"))));
  }
  const mac = (fn: string, args: Value[]): Uint8Array =>
    hmacSha256(bytesOrText(args, 0, fn, "key"), bytesOrText(args, 1, fn, "message"));
  vm.registerBuiltin("hmac_sha256", (args) => toHex(mac("hmac_sha256", args)));
  vm.registerBuiltin("hmac_sha256_base64", (args) => encodeBase64(mac("hmac_sha256_base64", args)));
  vm.registerBuiltin("constant_time_eq", (args) =>
    constantTimeEqual(
      utf8(textArg(args, 0, "constant_time_eq", "a")),
      utf8(textArg(args, 1, "constant_time_eq", "b")),
    ),
  );
  vm.registerBuiltin("hash_value", (args) => hashValue(args[0] ?? null));
  vm.registerBuiltin("is_same", (args) => isSame(args[0] ?? null, args[1] ?? null));

  // Identity keys are per VM: a counter stands in for the allocation address.
  const ids = new WeakMap<object, number>();
  let nextId = 1;
  vm.registerBuiltin("addr_of", (args) => {
    const v = args[0] ?? null;
    if (v instanceof BuiltinRef) return `builtin@${v.name}`;
    if (!hasIdentity(v) && !(v instanceof BytesValue)) return `${typeName(v)}@${display(v)}`;
    const key = v as object;
    let id = ids.get(key);
    if (id === undefined) {
      id = nextId++;
      ids.set(key, id);
    }
    return `${typeName(v)}@0x${id.toString(16).padStart(8, "0")}`;
  });
}
