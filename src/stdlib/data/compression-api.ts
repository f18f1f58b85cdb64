// What the compression builtins need from the host: DEFLATE (raw and gzip
// framed) and Brotli. The CLI injects the node:zlib implementation from
// src/host/crypto-host.ts; without one, gzip/brotli/zip builtins fail with a
// clear message. Zstandard frames and tar archives are handled in pure
// TypeScript (zstd.ts, archives.ts).

export interface CompressionProvider {
  /** gzip with the given level (0-9) and a zero mtime. */
  gzip(data: Uint8Array, level: number): Uint8Array;
  gunzip(data: Uint8Array): Uint8Array;
  /** Raw DEFLATE (no zlib/gzip framing), as zip entries store it. */
  deflateRaw(data: Uint8Array, level: number): Uint8Array;
  inflateRaw(data: Uint8Array): Uint8Array;
  /** Brotli with the given quality (0-11) and a 22-bit window. */
  brotli(data: Uint8Array, quality: number): Uint8Array;
  unbrotli(data: Uint8Array): Uint8Array;
}
