// What the signature builtins need from the host's cryptography: Ed25519
// and X25519 on raw 32-byte keys, and PEM-keyed JWS signing/verification
// (ES256 with raw r||s signatures, RS256 with PKCS#1 v1.5). @noble/hashes
// covers digests and HMAC in pure JS, but not public-key algorithms, so
// these come from src/host (node:crypto) and are injected; without a
// provider the builtins fail with a clear message.

export interface KeyPair {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

export type JwsAlgorithm = "ES256" | "RS256";

export interface CryptoProvider {
  ed25519Keypair(): KeyPair;
  /** Signature (64 bytes) of `message` under the 32-byte private seed. */
  ed25519Sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array;
  /** False (never a throw) for malformed keys or signatures. */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  x25519Keypair(): KeyPair;
  /** The shared secret (32 bytes) of a private key and a peer's public key. */
  x25519Agree(privateKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array;
  /** Signs `input`; throws an Error whose message describes a bad key. */
  jwsSign(alg: JwsAlgorithm, privateKeyPem: string, input: Uint8Array): Uint8Array;
  /** Verifies `signature` over `input`; throws an Error for a bad key. */
  jwsVerify(alg: JwsAlgorithm, publicKeyPem: string, input: Uint8Array, signature: Uint8Array): boolean;
}
