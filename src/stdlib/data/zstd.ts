// A minimal Zstandard (RFC 8878) frame codec, because Node 20's zlib has no
// zstd and no dependency provides an encoder. Encoding writes valid frames
// made of raw (stored) blocks: any zstd decoder reads them, but the data is
// not compressed. Decoding accepts raw and RLE blocks and skippable frames;
// frames with entropy-coded (compressed) blocks, as real zstd encoders
// produce, are refused with a clear error rather than mis-decoded.

const MAGIC = 0xfd2fb528;
const MAX_BLOCK = 128 * 1024;

/** Malformed or unsupported zstd input. */
export class ZstdError extends Error {}

/** One frame: single-segment header with an 8-byte content size, raw blocks, no checksum. */
export function zstdEncode(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / MAX_BLOCK));
  const out = new Uint8Array(4 + 1 + 8 + blocks * 3 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  out[4] = 0b1110_0000; // content-size field 8 bytes, single segment
  view.setBigUint64(5, BigInt(data.length), true);
  let at = 13;
  for (let i = 0; i < blocks; i++) {
    const chunk = data.subarray(i * MAX_BLOCK, (i + 1) * MAX_BLOCK);
    const last = i === blocks - 1 ? 1 : 0;
    const header = (chunk.length << 3) | last; // block type 0 = raw
    out[at] = header & 0xff;
    out[at + 1] = (header >> 8) & 0xff;
    out[at + 2] = (header >> 16) & 0xff;
    out.set(chunk, at + 3);
    at += 3 + chunk.length;
  }
  return out;
}

export function zstdDecode(input: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let pos = 0;
  while (pos < input.length) {
    if (input.length - pos < 4) throw new ZstdError("truncated frame header");
    const view = new DataView(input.buffer, input.byteOffset + pos);
    const magic = view.getUint32(0, true);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      if (input.length - pos < 8) throw new ZstdError("truncated skippable frame");
      pos += 8 + view.getUint32(4, true);
      continue;
    }
    if (magic !== MAGIC) throw new ZstdError("unknown frame descriptor (not zstd data)");
    pos = decodeFrame(input, pos + 4, parts);
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Decodes one frame after its magic number; returns the position after it. */
function decodeFrame(input: Uint8Array, pos: number, parts: Uint8Array[]): number {
  const descriptor = input[pos];
  if (descriptor === undefined) throw new ZstdError("truncated frame header");
  if (descriptor & 0b1000) throw new ZstdError("reserved bit set in frame header");
  const sizeFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const checksum = (descriptor >> 2) & 1;
  const dictIdBytes = [0, 1, 2, 4][descriptor & 3]!;
  const sizeBytes = [singleSegment, 2, 4, 8][sizeFlag]!;
  pos += 1 + (singleSegment ? 0 : 1) + dictIdBytes + sizeBytes;
  for (;;) {
    if (pos + 3 > input.length) throw new ZstdError("truncated block header");
    const header = input[pos]! | (input[pos + 1]! << 8) | (input[pos + 2]! << 16);
    pos += 3;
    const last = header & 1;
    const type = (header >> 1) & 3;
    const size = header >>> 3;
    if (type === 0) {
      if (pos + size > input.length) throw new ZstdError("truncated raw block");
      parts.push(input.subarray(pos, pos + size));
      pos += size;
    } else if (type === 1) {
      if (pos >= input.length) throw new ZstdError("truncated RLE block");
      parts.push(new Uint8Array(size).fill(input[pos]!));
      pos += 1;
    } else if (type === 2) {
      throw new ZstdError(
        "compressed zstd blocks are not supported (only stored and RLE blocks can be decoded)",
      );
    } else {
      throw new ZstdError("reserved block type");
    }
    if (last) break;
  }
  return pos + (checksum ? 4 : 0);
}
