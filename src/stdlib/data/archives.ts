// tar and zip archives as byte strings (no filesystem): `tar_create` writes
// GNU-style headers with zero uid/gid/mtime; `tar_extract` reads ustar/GNU
// archives (including GNU long names and pax `path` records), skipping
// directories. Zip entries are DEFLATE-compressed through the injected
// codec; the reader handles stored and deflated entries (no Zip64).

import { concatBytes } from "../../vm/bytes.ts";

/** A file in an archive. `mode` is only meaningful for tar. */
export interface ArchiveEntry {
  readonly path: string;
  readonly content: Uint8Array;
  readonly mode: number;
}

export class ArchiveError extends Error {}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// ---- tar ---------------------------------------------------------------------------

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

function tarHeader(entry: ArchiveEntry, index: number): Uint8Array {
  const header = new Uint8Array(512);
  const put = (text: string | Uint8Array, at: number) =>
    header.set(typeof text === "string" ? encoder.encode(text) : text, at);
  const name = encoder.encode(entry.path);
  if (name.length > 100)
    throw new ArchiveError(`entry ${index + 1} invalid path: path is longer than 100 bytes`);
  put(name, 0);
  put(octal(entry.mode, 8), 100);
  put(octal(0, 8), 108);
  put(octal(0, 8), 116);
  put(octal(entry.content.length, 12), 124);
  put(octal(0, 12), 136);
  put("        ", 148);
  put("0", 156);
  put("ustar  \0", 257);
  const sum = header.reduce((a, b) => a + b, 0);
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return header;
}

export function tarCreate(entries: readonly ArchiveEntry[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  entries.forEach((entry, i) => {
    chunks.push(
      tarHeader(entry, i),
      entry.content,
      new Uint8Array((512 - (entry.content.length % 512)) % 512),
    );
  });
  chunks.push(new Uint8Array(1024));
  return concatBytes(chunks);
}

function field(block: Uint8Array, at: number, width: number): string {
  const raw = block.subarray(at, at + width);
  const nul = raw.indexOf(0);
  return decoder.decode(nul < 0 ? raw : raw.subarray(0, nul));
}

function octalField(block: Uint8Array, at: number, width: number): number {
  const text = field(block, at, width).trim();
  return text === "" ? 0 : Number.parseInt(text, 8);
}

export function tarExtract(archive: Uint8Array): ArchiveEntry[] {
  const entries: ArchiveEntry[] = [];
  let pos = 0;
  let longName: string | undefined;
  while (pos + 512 <= archive.length) {
    const block = archive.subarray(pos, pos + 512);
    if (block.every((b) => b === 0)) break;
    const size = octalField(block, 124, 12);
    const type = String.fromCharCode(block[156]!);
    const data = archive.subarray(pos + 512, pos + 512 + size);
    if (data.length < size) throw new ArchiveError("unexpected end of archive");
    pos += 512 + Math.ceil(size / 512) * 512;
    if (type === "L") {
      longName = decoder.decode(data).replace(/\0+$/, "");
      continue;
    }
    if (type === "x") {
      longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(decoder.decode(data))?.[1] ?? longName;
      continue;
    }
    const prefix = field(block, 257, 6) === "ustar" ? field(block, 345, 155) : "";
    const name = longName ?? (prefix === "" ? field(block, 0, 100) : `${prefix}/${field(block, 0, 100)}`);
    longName = undefined;
    if (type === "5" || type === "g") continue;
    entries.push({ path: name, content: data.slice(), mode: octalField(block, 100, 8) });
  }
  return entries;
}

// ---- zip ---------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of data) crc = CRC_TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A little-endian record of 16/32-bit fields followed by raw bytes. */
function record(fields: readonly [number, 2 | 4][], ...tail: Uint8Array[]): Uint8Array {
  const head = new Uint8Array(fields.reduce((n, [, w]) => n + w, 0));
  const view = new DataView(head.buffer);
  let at = 0;
  for (const [value, width] of fields) {
    if (width === 2) view.setUint16(at, value, true);
    else view.setUint32(at, value, true);
    at += width;
  }
  return concatBytes([head, ...tail]);
}

const DOS_DATE_1980 = (0 << 9) | (1 << 5) | 1;

export function zipCreate(
  entries: readonly ArchiveEntry[],
  deflate: (data: Uint8Array) => Uint8Array,
): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = encoder.encode(entry.path);
    const packed = deflate(entry.content);
    const flags = /^[\x20-\x7e]*$/.test(entry.path) ? 0 : 0x0800;
    const common: [number, 2 | 4][] = [
      [20, 2],
      [flags, 2],
      [8, 2],
      [0, 2],
      [DOS_DATE_1980, 2],
      [crc32(entry.content), 4],
      [packed.length, 4],
      [entry.content.length, 4],
      [name.length, 2],
      [0, 2],
    ];
    const local = record([[0x04034b50, 4], ...common], name, packed);
    centrals.push(
      record(
        [
          [0x02014b50, 4],
          [(3 << 8) | 20, 2],
          ...common,
          [0, 2],
          [0, 2],
          [0, 2],
          [0o100644 * 0x10000, 4],
          [offset, 4],
        ],
        name,
      ),
    );
    locals.push(local);
    offset += local.length;
  }
  const directory = concatBytes(centrals);
  const end = record([
    [0x06054b50, 4],
    [0, 2],
    [0, 2],
    [entries.length, 2],
    [entries.length, 2],
    [directory.length, 4],
    [offset, 4],
    [0, 2],
  ]);
  return concatBytes([...locals, directory, end]);
}

export function zipExtract(archive: Uint8Array, inflate: (data: Uint8Array) => Uint8Array): ArchiveEntry[] {
  const view = new DataView(archive.buffer, archive.byteOffset, archive.length);
  let eocd = -1;
  for (let i = archive.length - 22; i >= Math.max(0, archive.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ArchiveError("invalid Zip archive: could not find central directory end");
  const count = view.getUint16(eocd + 10, true);
  let pos = view.getUint32(eocd + 16, true);
  const entries: ArchiveEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (pos + 46 > archive.length || view.getUint32(pos, true) !== 0x02014b50) {
      throw new ArchiveError("invalid Zip archive: bad central directory entry");
    }
    const method = view.getUint16(pos + 10, true);
    const packedSize = view.getUint32(pos + 20, true);
    const nameLength = view.getUint16(pos + 28, true);
    const skip = nameLength + view.getUint16(pos + 30, true) + view.getUint16(pos + 32, true);
    const localOffset = view.getUint32(pos + 42, true);
    const name = decoder.decode(archive.subarray(pos + 46, pos + 46 + nameLength));
    pos += 46 + skip;
    if (name.endsWith("/")) continue;
    const dataStart =
      localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
    const packed = archive.subarray(dataStart, dataStart + packedSize);
    if (method !== 0 && method !== 8)
      throw new ArchiveError(`unsupported compression method ${method} for ${name}`);
    entries.push({ path: name, content: method === 0 ? packed.slice() : inflate(packed), mode: 0o644 });
  }
  return entries;
}
