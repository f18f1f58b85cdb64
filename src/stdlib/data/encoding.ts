// Byte/text encodings with the reference's strictness: base64 (standard
// alphabet with padding, or URL-safe without), base32 (RFC 4648, padded),
// hex, percent-encoding, and UTF-8 decoding (strict or lossy). Written by
// hand rather than with `Buffer` so the standard library stays browser-safe,
// and because `Buffer` silently accepts malformed input the reference
// rejects (base64 crate: canonical padding, zero trailing bits).

const STD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** A malformed encoded input; the message reads like the reference crate's. */
export class DecodeError extends Error {}

function encode64(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + (pad ? "==" : "");
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + (pad ? "=" : "");
  }
  return out;
}

export function encodeBase64(bytes: Uint8Array): string {
  return encode64(bytes, STD_ALPHABET, true);
}

export function encodeBase64Url(bytes: Uint8Array): string {
  return encode64(bytes, URL_ALPHABET, false);
}

function decode64(text: string, alphabet: string, padded: boolean): Uint8Array {
  let end = text.length;
  while (end > 0 && text[end - 1] === "=") end--;
  const padding = text.length - end;
  for (let i = 0; i < end; i++) {
    if (!alphabet.includes(text[i]!)) {
      throw new DecodeError(`Invalid symbol ${text.charCodeAt(i)}, offset ${i}.`);
    }
  }
  if (end % 4 === 1) throw new DecodeError(`Invalid input length: ${end}`);
  const canonicalPadding = (4 - (end % 4)) % 4;
  if (padded ? padding !== canonicalPadding : padding !== 0) throw new DecodeError("Invalid padding");
  const out = new Uint8Array(Math.floor((end * 6) / 8));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    acc = ((acc << 6) | alphabet.indexOf(text[i]!)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) {
    throw new DecodeError(`Invalid last symbol ${text.charCodeAt(end - 1)}, offset ${end - 1}.`);
  }
  return out;
}

/** Standard alphabet, canonical `=` padding required. */
export function decodeBase64(text: string): Uint8Array {
  return decode64(text, STD_ALPHABET, true);
}

/** URL-safe alphabet, no padding allowed. */
export function decodeBase64Url(text: string): Uint8Array {
  return decode64(text, URL_ALPHABET, false);
}

export function encodeBase32(bytes: Uint8Array): string {
  let out = "";
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32_ALPHABET[(acc >> bits) & 31];
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(acc << (5 - bits)) & 31];
  return out + "=".repeat((8 - (out.length % 8)) % 8);
}

const BASE32_DATA_CHARS = [0, 2, 4, 5, 7];

export function decodeBase32(text: string): Uint8Array {
  if (text.length % 8 !== 0) throw new DecodeError(`invalid length at ${text.length - (text.length % 8)}`);
  let end = text.length;
  while (end > 0 && text[end - 1] === "=") end--;
  const tail = end % 8;
  if (!BASE32_DATA_CHARS.includes(tail) || text.length - end >= 8) {
    throw new DecodeError(`invalid padding at ${end}`);
  }
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < end; i++) {
    const v = BASE32_ALPHABET.indexOf(text[i]!);
    if (v < 0) throw new DecodeError(`invalid symbol at ${i}`);
    acc = ((acc << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0)
    throw new DecodeError(`non-zero trailing bits at ${end - 1}`);
  return Uint8Array.from(out);
}

export function encodeHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** Hex digits in either case; the messages are the `hex` crate's. */
export function decodeHex(text: string): Uint8Array {
  for (let i = 0; i < text.length; i++) {
    if (!/[0-9a-fA-F]/.test(text[i]!)) {
      const c = String.fromCodePoint(text.codePointAt(i)!);
      throw new DecodeError(`Invalid character '${c}' at position ${i}`);
    }
  }
  if (text.length % 2 !== 0) throw new DecodeError("Odd number of digits");
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const encoder = new TextEncoder();
const lossyDecoder = new TextDecoder("utf-8");
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

/** UTF-8 bytes to text, replacing invalid sequences with U+FFFD (Rust `from_utf8_lossy`). */
export function utf8Lossy(bytes: Uint8Array): string {
  return lossyDecoder.decode(bytes);
}

/** UTF-8 bytes to text; invalid input throws with Rust's `Utf8Error` wording. */
export function utf8Strict(bytes: Uint8Array): string {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    throw new DecodeError(utf8ErrorText(bytes));
  }
}

/** Rust's description of the first invalid UTF-8 sequence in `bytes`. */
function utf8ErrorText(bytes: Uint8Array): string {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need =
      b < 0x80
        ? 0
        : b >= 0xc2 && b <= 0xdf
          ? 1
          : b >= 0xe0 && b <= 0xef
            ? 2
            : b >= 0xf0 && b <= 0xf4
              ? 3
              : -1;
    if (need < 0) return `invalid utf-8 sequence of 1 bytes from index ${i}`;
    let j = 1;
    for (; j <= need; j++) {
      const next = bytes[i + j];
      if (next === undefined) return `incomplete utf-8 byte sequence from index ${i}`;
      if (!validContinuation(b, j, next)) return `invalid utf-8 sequence of ${j} bytes from index ${i}`;
    }
    i += need + 1;
  }
  return `invalid utf-8 sequence from index ${i}`;
}

function validContinuation(lead: number, position: number, next: number): boolean {
  if (position === 1) {
    if (lead === 0xe0) return next >= 0xa0 && next <= 0xbf;
    if (lead === 0xed) return next >= 0x80 && next <= 0x9f;
    if (lead === 0xf0) return next >= 0x90 && next <= 0xbf;
    if (lead === 0xf4) return next >= 0x80 && next <= 0x8f;
  }
  return next >= 0x80 && next <= 0xbf;
}

/** Percent-encodes every byte except RFC 3986 unreserved characters (uppercase hex). */
export function percentEncode(text: string): string {
  let out = "";
  for (const b of encoder.encode(text)) {
    out += isUnreserved(b) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

export function isUnreserved(b: number): boolean {
  return (
    (b >= 0x41 && b <= 0x5a) ||
    (b >= 0x61 && b <= 0x7a) ||
    (b >= 0x30 && b <= 0x39) ||
    b === 0x2d ||
    b === 0x5f ||
    b === 0x2e ||
    b === 0x7e
  );
}

/**
 * Decodes `%XX` sequences and `+` (as space), leaving malformed escapes as
 * they are, and reads the result as lossy UTF-8 (the `url_decode` builtin).
 */
export function percentDecode(text: string, plusIsSpace: boolean): string {
  const bytes = encoder.encode(text);
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x25 && i + 2 < bytes.length && isHexByte(bytes[i + 1]) && isHexByte(bytes[i + 2])) {
      out.push(Number.parseInt(String.fromCharCode(bytes[i + 1]!, bytes[i + 2]!), 16));
      i += 2;
    } else {
      out.push(plusIsSpace && b === 0x2b ? 0x20 : b);
    }
  }
  return utf8Lossy(Uint8Array.from(out));
}

function isHexByte(b: number | undefined): boolean {
  return (
    b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66))
  );
}
