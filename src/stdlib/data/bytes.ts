// Byte-string builtins (`bytes_*`): conversion from and to UTF-8 text, hex
// and base64, length, concatenation, clamped slicing and constant-time
// equality. Bytes values wrap a `Uint8Array` that is never mutated once it
// is a value, so slices may share storage.

import { BytesValue } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { bytesArg, constantTimeEqual, fail, intArg, stringArg, utf8 } from "./args.ts";
import {
  DecodeError,
  decodeBase64,
  decodeHex,
  encodeBase64,
  encodeHex,
  utf8Lossy,
  utf8Strict,
} from "./encoding.ts";

/** Runs a decoder, reporting malformed input as `<fn>: <reason>`. */
function decoding<T>(fn: string, decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    if (e instanceof DecodeError) throw fail(fn, e.message);
    throw e;
  }
}

export function registerBytes(vm: Vm): void {
  const b = vm.registerBuiltin.bind(vm);
  b("bytes_from_string", (args) => new BytesValue(utf8(stringArg(args, 0, "bytes_from_string", "text"))));
  b("bytes_to_string", (args) => {
    const bytes = bytesArg(args, 0, "bytes_to_string", "bytes");
    return decoding("bytes_to_string", () => utf8Strict(bytes));
  });
  b("bytes_to_string_lossy", (args) => utf8Lossy(bytesArg(args, 0, "bytes_to_string_lossy", "bytes")));
  b("bytes_to_hex", (args) => encodeHex(bytesArg(args, 0, "bytes_to_hex", "bytes")));
  b("bytes_from_hex", (args) => {
    const text = stringArg(args, 0, "bytes_from_hex", "hex");
    return new BytesValue(decoding("bytes_from_hex", () => decodeHex(text)));
  });
  b("bytes_to_base64", (args) => encodeBase64(bytesArg(args, 0, "bytes_to_base64", "bytes")));
  b("bytes_from_base64", (args) => {
    const text = stringArg(args, 0, "bytes_from_base64", "base64");
    return new BytesValue(decoding("bytes_from_base64", () => decodeBase64(text)));
  });
  b("bytes_len", (args) => bytesArg(args, 0, "bytes_len", "bytes").length);
  b("bytes_concat", (args) => {
    const left = bytesArg(args, 0, "bytes_concat", "left");
    const right = bytesArg(args, 1, "bytes_concat", "right");
    const out = new Uint8Array(left.length + right.length);
    out.set(left);
    out.set(right, left.length);
    return new BytesValue(out);
  });
  b("bytes_slice", (args) => {
    const bytes = bytesArg(args, 0, "bytes_slice", "bytes");
    const clamp = (n: number): number => Math.min(Math.max(n, 0), bytes.length);
    const start = clamp(intArg(args, 1, "bytes_slice", "start"));
    const end = clamp(intArg(args, 2, "bytes_slice", "end"));
    return new BytesValue(start >= end ? new Uint8Array(0) : bytes.subarray(start, end));
  });
  b("bytes_eq", (args) =>
    constantTimeEqual(bytesArg(args, 0, "bytes_eq", "left"), bytesArg(args, 1, "bytes_eq", "right")),
  );
}
