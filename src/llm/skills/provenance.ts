// Signed skills (spec: "Skills: provenance"). A `SKILL.md.sig` next to a
// SKILL.md holds a `harn-skill-sig/v1` envelope: the file's SHA-256, the
// signer's fingerprint (SHA-256 of the raw Ed25519 public key) and an
// Ed25519 signature over the file's bytes. The signer's key is found in
// `~/.harn/trusted-signers/<fingerprint>.pub`, else in the project's signer
// registry directory. A skill is *signed* when a well-formed envelope
// matches its current contents, and *trusted* when the signature verifies
// and the signer is allowed by the skill's `trusted_signers` list.

import { sha256 } from "@noble/hashes/sha2.js";
import { Dict, type Value } from "../../vm/values.ts";
import type { SkillFs } from "./discovery.ts";

export const SIGNATURE_SCHEMA = "harn-skill-sig/v1";

export type VerificationStatus =
  | "verified"
  | "missing_signature"
  | "invalid_signature"
  | "missing_signer"
  | "untrusted_signer";

export interface VerificationReport {
  readonly skillSha256: string;
  readonly signaturePath: string;
  readonly signerFingerprint: string | null;
  readonly signed: boolean;
  readonly trusted: boolean;
  readonly status: VerificationStatus;
  readonly error: string | null;
}

export interface VerifyOptions {
  /** `~/.harn/trusted-signers`, when a home directory is known. */
  readonly trustedSignersDir: string | null;
  /** A directory of `<fingerprint>.pub` files (the project's signer registry). */
  readonly registryDir: string | null;
  /** The skill's `trusted_signers` allowlist (empty: any resolvable signer). */
  readonly allowedSigners: readonly string[];
  /** Ed25519 verification with a raw 32-byte public key. */
  readonly ed25519Verify: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function sha256Hex(bytes: Uint8Array): string {
  return hex(sha256(bytes));
}

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw key follows it. */
const ED25519_SPKI_PREFIX = "302a300506032b6570032100";

/** The raw public key of a PEM `PUBLIC KEY` block, or null when it is not Ed25519. */
export function ed25519KeyFromPem(pem: string): Uint8Array | null {
  const body = pem.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, "").replace(/\s+/g, "");
  const der = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
  if (der.length !== 44 || hex(der.slice(0, 12)) !== ED25519_SPKI_PREFIX) return null;
  return der.slice(12);
}

export function fingerprintOf(publicKey: Uint8Array): string {
  return sha256Hex(publicKey);
}

function resolveKey(fs: SkillFs, fingerprint: string, options: VerifyOptions): Uint8Array | null {
  for (const dir of [options.trustedSignersDir, options.registryDir]) {
    if (dir === null) continue;
    const file = fs.join(dir, `${fingerprint}.pub`);
    if (fs.isFile(file)) return ed25519KeyFromPem(fs.readText(file));
  }
  return null;
}

function decodeBase64(text: string): Uint8Array | null {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Checks `<skillPath>.sig` against the file; never throws for a bad signature, only reports it. */
export function verifySkill(fs: SkillFs, skillPath: string, options: VerifyOptions): VerificationReport {
  const bytes = fs.readBytes(skillPath);
  const signaturePath = `${skillPath}.sig`;
  const base = {
    skillSha256: sha256Hex(bytes),
    signaturePath,
    signerFingerprint: null,
    signed: false,
    trusted: false,
    status: "missing_signature" as VerificationStatus,
    error: null,
  };
  if (!fs.isFile(signaturePath)) return base;
  const invalid = (error: string, extra: Partial<VerificationReport> = {}): VerificationReport => ({
    ...base,
    ...extra,
    status: "invalid_signature",
    error,
  });
  let envelope: Record<string, unknown>;
  try {
    envelope = JSON.parse(fs.readText(signaturePath)) as Record<string, unknown>;
  } catch (e) {
    return invalid(
      `${signaturePath} is not valid ${SIGNATURE_SCHEMA} JSON: ${e instanceof Error ? e.message : e}`,
    );
  }
  const fingerprint = typeof envelope.signer_fingerprint === "string" ? envelope.signer_fingerprint : "";
  if (envelope.schema !== SIGNATURE_SCHEMA) {
    return invalid(`${signaturePath} declares unsupported schema ${String(envelope.schema)}`, {
      signerFingerprint: fingerprint,
    });
  }
  if (envelope.skill_sha256 !== base.skillSha256) {
    return invalid(`${signaturePath} does not match the current contents of ${skillPath}`, {
      signerFingerprint: fingerprint,
    });
  }
  const signed = { ...base, signerFingerprint: fingerprint, signed: true };
  const key = resolveKey(fs, fingerprint, options);
  if (key === null) {
    return {
      ...signed,
      status: "missing_signer",
      error: `${skillPath} was signed by ${fingerprint}, but ${fingerprint} is not present in ${options.trustedSignersDir ?? "the trusted signers directory"}`,
    };
  }
  const signature = decodeBase64(String(envelope.ed25519_sig_base64 ?? ""));
  if (signature === null)
    return { ...signed, status: "invalid_signature", error: "signature is not valid base64" };
  if (signature.length !== 64 || !options.ed25519Verify(key, bytes, signature)) {
    return {
      ...signed,
      status: "invalid_signature",
      error: `${signaturePath} failed Ed25519 verification for ${skillPath}`,
    };
  }
  if (options.allowedSigners.length > 0 && !options.allowedSigners.includes(fingerprint)) {
    return {
      ...signed,
      status: "untrusted_signer",
      error: `${skillPath} was signed by ${fingerprint}, which is not in the skill's trusted_signers allowlist`,
    };
  }
  return { ...signed, trusted: true, status: "verified" };
}

/** The `provenance` dict attached to a registry entry. */
export function provenanceValue(r: VerificationReport): Dict {
  const m = new Map<string, Value>([
    ["skill_sha256", r.skillSha256],
    ["signed", r.signed],
    ["trusted", r.trusted],
    ["status", r.status],
    ["signature_path", r.signaturePath],
  ]);
  if (r.signerFingerprint !== null) m.set("signer_fingerprint", r.signerFingerprint);
  if (r.error !== null) m.set("error", r.error);
  return new Dict(m);
}
