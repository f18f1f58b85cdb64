// Encodings, bytes, digests, HMAC, hash_value/identity, UUIDs and the
// public-key builtins (with the Node crypto provider).

import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { test } from "node:test";
import { compileSource, createVm, uncaughtMessage } from "../../engine.ts";
import { nodeCompressionProvider, nodeCryptoProvider } from "../../host/crypto-host.ts";
import { NULL_HOST } from "../host-api.ts";
import {
  DecodeError,
  decodeBase32,
  decodeBase64,
  decodeBase64Url,
  decodeHex,
  encodeBase32,
  encodeBase64,
  percentDecode,
  utf8Strict,
} from "./encoding.ts";
import { hashValue } from "./hashing.ts";
import { registerDataStdlib } from "./index.ts";
import { parseUuid } from "./uuid.ts";

async function run(source: string): Promise<string[]> {
  const compiled = compileSource(source, "snippet.harn");
  assert.ok(compiled.module, compiled.diagnostics.map((d) => d.message).join("; "));
  const out: string[] = [];
  const vm = createVm({ output: (s) => out.push(s) });
  registerDataStdlib(vm, NULL_HOST, { crypto: nodeCryptoProvider, compression: nodeCompressionProvider });
  const result = await vm.run(compiled.module);
  if (result.error) out.push(`error: ${uncaughtMessage(result.error)}\n`);
  return out.join("").trimEnd().split("\n");
}

const bytes = (...xs: number[]) => Uint8Array.from(xs);

function decodeError(decode: () => unknown): string {
  try {
    decode();
  } catch (e) {
    assert.ok(e instanceof DecodeError);
    return e.message;
  }
  assert.fail("expected a decode error");
}

test("base64 variants are strict about padding and trailing bits", () => {
  assert.equal(encodeBase64(bytes(0xfb, 0xff)), "+/8=");
  assert.deepEqual(decodeBase64("+/8="), bytes(0xfb, 0xff));
  assert.deepEqual(decodeBase64Url("-_8"), bytes(0xfb, 0xff));
  assert.equal(
    decodeError(() => decodeBase64("+/8")),
    "Invalid padding",
  );
  assert.equal(
    decodeError(() => decodeBase64Url("-_8=")),
    "Invalid padding",
  );
  assert.equal(
    decodeError(() => decodeBase64("a$==")),
    "Invalid symbol 36, offset 1.",
  );
  assert.equal(
    decodeError(() => decodeBase64("+/9=")),
    "Invalid last symbol 57, offset 2.",
  );
  assert.equal(
    decodeError(() => decodeBase64("abcde")),
    "Invalid input length: 5",
  );
});

test("base32, hex, percent-decoding and UTF-8", () => {
  assert.equal(encodeBase32(new TextEncoder().encode("fo")), "MZXQ====");
  assert.deepEqual(decodeBase32("MZXQ===="), new TextEncoder().encode("fo"));
  assert.match(
    decodeError(() => decodeBase32("MZX")),
    /invalid length/,
  );
  assert.deepEqual(decodeHex("0aFF"), bytes(10, 255));
  assert.equal(
    decodeError(() => decodeHex("0g")),
    "Invalid character 'g' at position 1",
  );
  assert.equal(
    decodeError(() => decodeHex("abc")),
    "Odd number of digits",
  );
  assert.equal(percentDecode("a%2Bb+c%zz%e2%82%ac", true), "a+b c%zz€");
  assert.equal(
    decodeError(() => utf8Strict(bytes(0x61, 0xff))),
    "invalid utf-8 sequence of 1 bytes from index 1",
  );
  assert.equal(
    decodeError(() => utf8Strict(bytes(0xe2, 0x82))),
    "incomplete utf-8 byte sequence from index 0",
  );
});

test("encoding builtins and bytes helpers", async () => {
  assert.deepEqual(
    await run(`
println(base64_encode(bytes_from_hex("00ff")))
println(base32_decode(base32_encode("hi!")))
println(hex_encode("é"))
println(url_encode("a b/é~"))
println(bytes_to_hex(bytes_slice(bytes_from_string("hello"), -3, 3)))
println(bytes_len(bytes_concat(bytes_from_string("ab"), bytes_from_hex("00"))))
println(bytes_eq(bytes_from_string("a"), bytes_from_hex("61")))
println(bytes_to_string_lossy(bytes_from_hex("61ff")))
try { bytes_to_string(bytes_from_hex("ff")) } catch (e) { println(e) }
try { base64_decode("%%") } catch (e) { println(e) }
try { bytes_len("text") } catch (e) { println(e) }
`),
    [
      "AP8=",
      "hi!",
      "c3a9",
      "a%20b%2F%C3%A9~",
      "68656c",
      "3",
      "true",
      "a\uFFFD",
      "Runtime error: bytes_to_string: invalid utf-8 sequence of 1 bytes from index 0",
      "Runtime error: base64 decode error: Invalid symbol 37, offset 0.",
      "Runtime error: bytes_len: bytes (argument 1) must be bytes, got string",
    ],
  );
});

test("digests, HMAC and identity helpers", async () => {
  assert.deepEqual(
    await run(`
println(sha224(""))
println(sha384("abc"))
println(sha512_256("abc"))
println(md5(bytes_from_string("hello")))
println(hmac_sha256("key", "The quick brown fox jumps over the lazy dog"))
println(constant_time_eq("abc", "abc"))
let xs = [1]
println(is_same(xs, xs))
println(is_same({a: 1}, {a: 1}))
println(addr_of(xs) == addr_of(xs))
println(addr_of("s"))
println(hash_value({b: [1, 2.5], a: "x"}) == hash_value({a: "x", b: [1, 2.5]}))
`),
    [
      "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f",
      "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
      "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23",
      "5d41402abc4b2a76b9719d911017c592",
      "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
      "true",
      "true",
      "false",
      "true",
      "string@s",
      "true",
    ],
  );
});

test("hash_value is FNV-1a 64 over the structural key", () => {
  // Reference FNV-1a computed independently with BigInt.
  const fnv = (text: string): bigint => {
    let h = 0xcbf29ce484222325n;
    for (const b of new TextEncoder().encode(text)) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
    return BigInt.asIntN(64, h);
  };
  assert.equal(BigInt(hashValue(42) as number | bigint), fnv("i42;"));
  assert.equal(BigInt(hashValue(["é", null]) as number | bigint), fnv("Ls2:é,N,]"));
});

test("UUID parsing accepts the uuid crate's spellings", () => {
  const canonical = "67e55044-10b1-426f-9247-bb680e5fe0c8";
  assert.equal(parseUuid("67E55044-10B1-426F-9247-BB680E5FE0C8"), canonical);
  assert.equal(parseUuid("67e5504410b1426f9247bb680e5fe0c8"), canonical);
  assert.equal(parseUuid(`{${canonical}}`), canonical);
  assert.equal(parseUuid(`urn:uuid:${canonical}`), canonical);
  assert.equal(parseUuid("67e55044-10b1-426f-9247"), undefined);
});

test("uuid_v5 is deterministic and v7 is time-ordered", async () => {
  assert.deepEqual(
    await run(`
println(uuid_v5("dns", "python.org"))
println(uuid_v5("6ba7b811-9dad-11d1-80b4-00c04fd430c8", "x") == uuid_v5("url", "x"))
let a = uuid_v7()
let b = uuid_v7()
println(a < b)
try { uuid_v5("nope", "x") } catch (e) { println(e) }
`),
    [
      "886313e1-3b8a-5372-9b90-0c9aee199e5d",
      "true",
      "true",
      "Runtime error: uuid_v5: namespace must be a UUID or one of dns/url/oid/x500",
    ],
  );
});

test("ed25519 and x25519 round trips", async () => {
  assert.deepEqual(
    await run(`
let kp = ed25519_keypair()
let sig = ed25519_sign(kp.private, bytes_from_string("m"))
println(len(sig))
println(ed25519_verify(kp.public, "m", sig))
println(ed25519_verify(kp.public, "m", "zz"))
let a = x25519_keypair()
let b = x25519_keypair()
println(x25519_agree(a.private, b.public) == x25519_agree(b.private, a.public))
try { ed25519_sign("abcd", "m") } catch (e) { println(e) }
`),
    ["128", "true", "false", "true", "ed25519_sign: private key must be 32 bytes"],
  );
});

test("jwt_sign produces tokens that jwt_verify (and node:crypto) accept", async () => {
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = (k: { export(o: object): string | Buffer }, type: string) =>
    JSON.stringify(String(k.export({ type, format: "pem" })));
  const out = await run(`
let claims = {iss: "me", iat: 1700000000}
let es = jwt_sign("ES256", claims, ${pem(ec.privateKey, "pkcs8")})
println(json_parse(base64url_decode(split(es, ".")[0])))
println(jwt_verify("ES256", es, ${pem(ec.publicKey, "spki")}).claims)
let rs = jwt_sign("RS256", claims, ${pem(rsa.privateKey, "pkcs1")})
println(jwt_verify("RS256", rs, ${pem(rsa.publicKey, "spki")}).valid)
let hs = jwt_verify("HS256", "eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.LrlPmSL4FxrzAHJSYbKzsA997COXdYCeFKlt3zt5DIY", "secret")
println(hs.claims)
try { jwt_verify("ES256", es + "x", ${pem(ec.publicKey, "spki")}) } catch (e) { println(e) }
try { jwt_sign("ES256", claims, ${pem(rsa.privateKey, "pkcs8")}) } catch (e) { println(e) }
try { jwt_sign("HS512", claims, "k") } catch (e) { println(e) }
`);
  assert.deepEqual(out.slice(0, 3), ["{alg: ES256, typ: JWT}", "{iat: 1700000000, iss: me}", "true"]);
  assert.equal(out[3], "{a: 1}");
  assert.match(out[4]!, /^jwt_verify: (InvalidSignature|Base64 error)$/);
  assert.match(out[5]!, /^Runtime error: jwt_sign: invalid ES256 PEM private key: /);
  assert.equal(out[6], "Runtime error: jwt_sign: unsupported algorithm `HS512`; expected ES256 or RS256");
});
