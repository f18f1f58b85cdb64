// String encoding builtins (spec: builtins "Encoding"): base64, URL-safe
// base64, base32, hex and percent-encoding. Encoders take a string (or other
// scalar, by its display form) or bytes; decoders return a string, reading
// the decoded bytes as lossy UTF-8 like the reference. Malformed input is a
// runtime error naming the encoding.

import { runtimeError } from "../../vm/errors.ts";
import type { Vm } from "../../vm/vm.ts";
import { bytesOrText, textArg } from "./args.ts";
import {
  DecodeError,
  decodeBase32,
  decodeBase64,
  decodeBase64Url,
  decodeHex,
  encodeBase32,
  encodeBase64,
  encodeBase64Url,
  encodeHex,
  percentDecode,
  percentEncode,
  utf8Lossy,
} from "./encoding.ts";

type Encoder = (bytes: Uint8Array) => string;
type Decoder = (text: string) => Uint8Array;

const CODECS: readonly (readonly [string, string, Encoder, Decoder])[] = [
  ["base64", "base64", encodeBase64, decodeBase64],
  ["base64url", "base64url", encodeBase64Url, decodeBase64Url],
  ["base32", "base32", encodeBase32, decodeBase32],
  ["hex", "hex", encodeHex, decodeHex],
];

export function registerTextEncodings(vm: Vm): void {
  for (const [prefix, label, encode, decode] of CODECS) {
    const encodeName = `${prefix}_encode`;
    const decodeName = `${prefix}_decode`;
    vm.registerBuiltin(encodeName, (args) => encode(bytesOrText(args, 0, encodeName, "value")));
    vm.registerBuiltin(decodeName, (args) => {
      const text = textArg(args, 0, decodeName, "text");
      try {
        return utf8Lossy(decode(text));
      } catch (e) {
        if (e instanceof DecodeError) throw runtimeError(`${label} decode error: ${e.message}`);
        throw e;
      }
    });
  }
  vm.registerBuiltin("url_encode", (args) => percentEncode(textArg(args, 0, "url_encode", "text")));
  vm.registerBuiltin("url_decode", (args) => percentDecode(textArg(args, 0, "url_decode", "text"), true));
}
