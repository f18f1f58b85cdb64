// Byte-buffer helpers shared by every layer that assembles binary data
// (archives, certificates, signatures, HTTP bodies).

/** `parts` joined into one new buffer. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
