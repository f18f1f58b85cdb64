// Public-key builtins: Ed25519 (`ed25519_keypair/sign/verify`), X25519
// (`x25519_keypair/agree`) with hex-encoded raw keys, and compact JWS
// (`jwt_sign` with ES256/RS256 PEM keys, `jwt_verify` with HS256/ES256/
// RS256). The algorithms come from the injected `CryptoProvider`; JWT
// framing (base64url, JSON header and claims, HS256) is done here. Error
// texts follow the reference: thrown strings for ed/x25519 and jwt_verify,
// runtime errors for jwt_sign.

import { runtimeError, thrown } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { typeName } from "../../vm/display.ts";
import { bytesOrText, constantTimeEqual, textArg, toHex, utf8 } from "./args.ts";
import type { CryptoProvider, JwsAlgorithm, KeyPair } from "./crypto-api.ts";
import { DecodeError, decodeBase64Url, decodeHex, encodeBase64Url, utf8Strict } from "./encoding.ts";
import { hmacSha256 } from "./hashing.ts";
import { JsonSyntaxError, parseJson } from "./json-codec.ts";
import { stringifyJson } from "./json-writer.ts";

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function keypairDict(pair: KeyPair): Dict {
  return Dict.of({ private: toHex(pair.privateKey), public: toHex(pair.publicKey) });
}

/** Hex text to bytes of an exact length, failing with `<fn>: <what>` messages. */
function hexKey(text: string, fn: string, label: string, invalidHex: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = decodeHex(text);
  } catch (e) {
    throw thrown(`${fn}: ${invalidHex}: ${message(e)}`);
  }
  if (bytes.length !== 32) throw thrown(`${fn}: ${label} must be 32 bytes`);
  return bytes;
}

function hexOrUndefined(text: string): Uint8Array | undefined {
  try {
    return decodeHex(text);
  } catch {
    return undefined;
  }
}

function registerCurves(vm: Vm, crypto: () => CryptoProvider): void {
  vm.registerBuiltin("ed25519_keypair", () => keypairDict(crypto().ed25519Keypair()));
  vm.registerBuiltin("ed25519_sign", (args) => {
    if (args.length < 2) throw thrown("ed25519_sign: expected (private_hex, message)");
    const key = hexKey(
      textArg(args, 0, "ed25519_sign", "private key"),
      "ed25519_sign",
      "private key",
      "invalid hex private key",
    );
    return toHex(crypto().ed25519Sign(key, bytesOrText(args, 1, "ed25519_sign", "message")));
  });
  vm.registerBuiltin("ed25519_verify", (args) => {
    if (args.length < 3) throw thrown("ed25519_verify: expected (public_hex, message, signature_hex)");
    const key = hexOrUndefined(textArg(args, 0, "ed25519_verify", "public key"));
    const msg = bytesOrText(args, 1, "ed25519_verify", "message");
    const sig = hexOrUndefined(textArg(args, 2, "ed25519_verify", "signature"));
    if (key === undefined || sig === undefined || key.length !== 32 || sig.length !== 64) return false;
    return crypto().ed25519Verify(key, msg, sig);
  });
  vm.registerBuiltin("x25519_keypair", () => keypairDict(crypto().x25519Keypair()));
  vm.registerBuiltin("x25519_agree", (args) => {
    if (args.length < 2) throw thrown("x25519_agree: expected (private_hex, peer_public_hex)");
    const priv = hexKey(
      textArg(args, 0, "x25519_agree", "private key"),
      "x25519_agree",
      "private",
      "invalid private hex",
    );
    const pub = hexKey(
      textArg(args, 1, "x25519_agree", "public key"),
      "x25519_agree",
      "public",
      "invalid public hex",
    );
    return toHex(crypto().x25519Agree(priv, pub));
  });
}

function jwtSign(args: Value[], crypto: CryptoProvider): string {
  const failure = (text: string) => runtimeError(`jwt_sign: ${text}`);
  if (args.length !== 3) throw failure("requires 3 arguments: alg, claims, private_key");
  const [alg, claims, key] = args as [Value, Value, Value];
  if (typeof alg !== "string") throw failure(`alg must be a string, got ${typeName(alg)}`);
  if (alg !== "ES256" && alg !== "RS256")
    throw failure(`unsupported algorithm \`${alg}\`; expected ES256 or RS256`);
  if (!(claims instanceof Dict)) throw failure(`claims must be a dict, got ${typeName(claims)}`);
  if (typeof key !== "string") throw failure(`private_key must be a PEM string, got ${typeName(key)}`);
  const header = encodeBase64Url(utf8(`{"typ":"JWT","alg":"${alg}"}`));
  const input = `${header}.${encodeBase64Url(utf8(stringifyJson(claims)))}`;
  let signature: Uint8Array;
  try {
    signature = crypto.jwsSign(alg, key, utf8(input));
  } catch (e) {
    throw failure(`invalid ${alg} PEM private key: ${message(e)}`);
  }
  return `${input}.${encodeBase64Url(signature)}`;
}

/** Decodes one base64url JSON segment of a token, or throws the jsonwebtoken error name. */
function jsonSegment(segment: string): Value {
  try {
    return parseJson(utf8Strict(decodeBase64Url(segment)));
  } catch (e) {
    if (e instanceof DecodeError) throw thrown("jwt_verify: Base64 error");
    if (e instanceof JsonSyntaxError) throw thrown(`jwt_verify: JSON error: ${e.message}`);
    throw e;
  }
}

function jwtVerify(args: Value[], crypto: () => CryptoProvider): Value {
  if (args.length < 3) throw thrown("jwt_verify: expected (alg, token, key)");
  const alg = textArg(args, 0, "jwt_verify", "alg");
  const token = textArg(args, 1, "jwt_verify", "token");
  const key = textArg(args, 2, "jwt_verify", "key");
  if (alg !== "HS256" && alg !== "ES256" && alg !== "RS256") {
    throw thrown(`jwt_verify: unsupported algorithm '${alg}'`);
  }
  const parts = token.split(".");
  if (parts.length !== 3) throw thrown("jwt_verify: InvalidToken");
  const [headerText, claimsText, signatureText] = parts as [string, string, string];
  const header = jsonSegment(headerText);
  if (!(header instanceof Dict) || header.get("alg") !== alg) throw thrown("jwt_verify: InvalidAlgorithm");
  let signature: Uint8Array;
  try {
    signature = decodeBase64Url(signatureText);
  } catch {
    throw thrown("jwt_verify: Base64 error");
  }
  const input = utf8(`${headerText}.${claimsText}`);
  let valid: boolean;
  if (alg === "HS256") valid = constantTimeEqual(hmacSha256(utf8(key), input), signature);
  else {
    try {
      valid = crypto().jwsVerify(alg as JwsAlgorithm, key, input, signature);
    } catch (e) {
      throw thrown(`jwt_verify: invalid ${alg} public key: ${message(e)}`);
    }
  }
  if (!valid) throw thrown("jwt_verify: InvalidSignature");
  return Dict.of({ valid: true, claims: jsonSegment(claimsText) });
}

export function registerSignatures(vm: Vm, provider: CryptoProvider | undefined): void {
  const crypto = (): CryptoProvider => {
    if (provider === undefined) throw runtimeError("public-key cryptography is not available in this host");
    return provider;
  };
  registerCurves(vm, crypto);
  vm.registerBuiltin("jwt_sign", (args) => jwtSign(args, crypto()));
  vm.registerBuiltin("jwt_verify", (args) => jwtVerify(args, crypto));
}
