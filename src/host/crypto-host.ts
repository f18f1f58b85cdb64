// The Node implementations of the data builtins' host capabilities:
// public-key cryptography (src/stdlib/data/crypto-api.ts) on node:crypto,
// and DEFLATE/gzip/Brotli (compression-api.ts) on node:zlib. Raw 32-byte
// Ed25519 and X25519 keys are wrapped in fixed DER prefixes (PKCS#8 for
// private keys, SPKI for public ones) so node:crypto can use them.

import type { KeyObject } from "node:crypto";
import { lazyBuiltin } from "./lazy-builtin.ts";
import type { CompressionProvider } from "../stdlib/data/compression-api.ts";
import type { CryptoProvider, JwsAlgorithm, KeyPair } from "../stdlib/data/crypto-api.ts";

const crypto = lazyBuiltin<typeof import("node:crypto")>("node:crypto");
const zlib = lazyBuiltin<typeof import("node:zlib")>("node:zlib");

const PKCS8_PREFIX = {
  ed25519: "302e020100300506032b657004220420",
  x25519: "302e020100300506032b656e04220420",
};
const SPKI_PREFIX = { ed25519: "302a300506032b6570032100", x25519: "302a300506032b656e032100" };

type Curve = keyof typeof PKCS8_PREFIX;

function der(prefix: string, raw: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(prefix, "hex"), raw]);
}

function privateKeyOf(curve: Curve, raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new Error("private key must be 32 bytes");
  return crypto().createPrivateKey({ key: der(PKCS8_PREFIX[curve], raw), format: "der", type: "pkcs8" });
}

function publicKeyOf(curve: Curve, raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new Error("public key must be 32 bytes");
  return crypto().createPublicKey({ key: der(SPKI_PREFIX[curve], raw), format: "der", type: "spki" });
}

/** The raw 32-byte public key: the tail of its SPKI encoding. */
function rawPublic(key: KeyObject): Uint8Array {
  const spki = crypto().createPublicKey(key).export({ format: "der", type: "spki" });
  return new Uint8Array(spki.subarray(spki.length - 32));
}

function keypair(curve: Curve): KeyPair {
  const privateKey = new Uint8Array(crypto().randomBytes(32));
  return { privateKey, publicKey: rawPublic(privateKeyOf(curve, privateKey)) };
}

function checkKeyType(alg: JwsAlgorithm, key: KeyObject): void {
  const wanted = alg === "ES256" ? "ec" : "rsa";
  if (key.asymmetricKeyType !== wanted) {
    throw new Error(`expected a ${wanted.toUpperCase()} key, got ${key.asymmetricKeyType ?? "unknown"}`);
  }
  if (alg === "ES256" && key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
    throw new Error("ES256 requires a P-256 key");
  }
}

export const nodeCryptoProvider: CryptoProvider = {
  ed25519Keypair: () => keypair("ed25519"),
  ed25519Sign: (privateKey, message) =>
    new Uint8Array(crypto().sign(null, message, privateKeyOf("ed25519", privateKey))),
  ed25519Verify(publicKey, message, signature) {
    try {
      return (
        signature.length === 64 &&
        crypto().verify(null, message, publicKeyOf("ed25519", publicKey), signature)
      );
    } catch {
      return false;
    }
  },
  x25519Keypair: () => keypair("x25519"),
  x25519Agree: (privateKey, peer) =>
    new Uint8Array(
      crypto().diffieHellman({
        privateKey: privateKeyOf("x25519", privateKey),
        publicKey: publicKeyOf("x25519", peer),
      }),
    ),
  jwsSign(alg, pem, input) {
    const key = crypto().createPrivateKey(pem);
    checkKeyType(alg, key);
    return new Uint8Array(
      crypto().sign("sha256", input, alg === "ES256" ? { key, dsaEncoding: "ieee-p1363" } : key),
    );
  },
  jwsVerify(alg, pem, input, signature) {
    const key = crypto().createPublicKey(pem);
    checkKeyType(alg, key);
    return crypto().verify(
      "sha256",
      input,
      alg === "ES256" ? { key, dsaEncoding: "ieee-p1363" } : key,
      signature,
    );
  },
};

const bytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);

export const nodeCompressionProvider: CompressionProvider = {
  gzip: (data, level) => bytes(zlib().gzipSync(data, { level })),
  gunzip: (data) => bytes(zlib().gunzipSync(data)),
  deflateRaw: (data, level) => bytes(zlib().deflateRawSync(data, { level })),
  inflateRaw: (data) => bytes(zlib().inflateRawSync(data)),
  brotli: (data, quality) =>
    bytes(
      zlib().brotliCompressSync(data, {
        params: {
          [zlib().constants.BROTLI_PARAM_QUALITY]: quality,
          [zlib().constants.BROTLI_PARAM_LGWIN]: 22,
        },
      }),
    ),
  unbrotli: (data) => bytes(zlib().brotliDecompressSync(data)),
};
