// Compression and archive builtins: `gzip_*`, `brotli_*` (through the
// injected CompressionProvider), `zstd_*` (zstd.ts: stored-block frames),
// `tar_create`/`tar_extract` and `zip_create`/`zip_extract` (archives.ts).
// Inputs are bytes or strings, outputs bytes; archive entries are dicts
// `{path, content, mode?}`. Levels are validated against the reference's
// ranges (gzip 0-9, zstd 1-22, brotli quality 0-11).

import { typeName } from "../../vm/display.ts";
import { runtimeError, VmError } from "../../vm/errors.ts";
import { BytesValue, Dict, StructValue, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { utf8 } from "./args.ts";
import { type ArchiveEntry, tarCreate, tarExtract, zipCreate, zipExtract } from "./archives.ts";
import type { CompressionProvider } from "./compression-api.ts";
import { zstdDecode, zstdEncode } from "./zstd.ts";

const failure = (fn: string, message: string) => runtimeError(`${fn}: ${message}`);

function input(args: readonly Value[], fn: string, bytesOnly: boolean): Uint8Array {
  const v = args[0];
  if (v === undefined) throw failure(fn, "missing argument 1");
  if (v instanceof BytesValue) return v.bytes;
  if (typeof v === "string" && !bytesOnly) return utf8(v);
  throw failure(fn, `expected ${bytesOnly ? "bytes" : "bytes or string"} at argument 1, got ${typeName(v)}`);
}

function level(
  args: readonly Value[],
  fn: string,
  param: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const v = args[1];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== "number") throw failure(fn, `${param} must be an int, got ${typeName(v)}`);
  if (v < min || v > max) throw failure(fn, `${param} must be between ${min} and ${max}, got ${v}`);
  return v;
}

/** Runs a codec, reporting its failure as `<fn>: <message>`. */
function guarded(fn: string, action: () => Uint8Array): BytesValue {
  try {
    return new BytesValue(action());
  } catch (e) {
    if (e instanceof VmError) throw e;
    throw failure(fn, e instanceof Error ? e.message : String(e));
  }
}

function entryField(entry: Value, key: string): Value | undefined {
  if (entry instanceof Dict) return entry.map.get(key);
  if (entry instanceof StructValue) return entry.fields.get(key);
  return undefined;
}

function entries(args: readonly Value[], fn: string, withMode: boolean): ArchiveEntry[] {
  const list = args[0];
  if (list === undefined) throw failure(fn, "missing argument 1");
  if (!Array.isArray(list)) throw failure(fn, `entries must be a list, got ${typeName(list)}`);
  return list.map((entry, i) => {
    const n = i + 1;
    const path = entryField(entry, "path");
    if (path === undefined) throw failure(fn, `entry ${n} is missing path`);
    if (typeof path !== "string")
      throw failure(fn, `entry ${n} path must be a string, got ${typeName(path)}`);
    if (path === "") throw failure(fn, `entry ${n} path must not be empty`);
    const content = entryField(entry, "content");
    if (content === undefined) throw failure(fn, `entry ${n} is missing content`);
    if (!(content instanceof BytesValue) && typeof content !== "string") {
      throw failure(fn, `entry ${n} content must be bytes or string, got ${typeName(content)}`);
    }
    const mode = withMode ? entryField(entry, "mode") : undefined;
    if (mode !== undefined && mode !== null && typeof mode !== "number") {
      throw failure(fn, `entry ${n} mode must be an int, got ${typeName(mode)}`);
    }
    const modeValue = typeof mode === "number" ? mode : 0o644;
    if (modeValue < 0 || modeValue > 0o7777) throw failure(fn, `entry ${n} mode must be between 0 and 4095`);
    return { path, content: content instanceof BytesValue ? content.bytes : utf8(content), mode: modeValue };
  });
}

export function registerCompression(vm: Vm, provider: CompressionProvider | undefined): void {
  const codec = (fn: string): CompressionProvider => {
    if (provider === undefined) throw failure(fn, "compression is not available in this host");
    return provider;
  };
  const b = vm.registerBuiltin.bind(vm);
  b("gzip_encode", (args) => {
    const data = input(args, "gzip_encode", false);
    const lvl = level(args, "gzip_encode", "level", 6, 0, 9);
    return guarded("gzip_encode", () => codec("gzip_encode").gzip(data, lvl));
  });
  b("gzip_decode", (args) =>
    guarded("gzip_decode", () => codec("gzip_decode").gunzip(input(args, "gzip_decode", true))),
  );
  b("brotli_encode", (args) => {
    const data = input(args, "brotli_encode", false);
    const quality = level(args, "brotli_encode", "quality", 11, 0, 11);
    return guarded("brotli_encode", () => codec("brotli_encode").brotli(data, quality));
  });
  b("brotli_decode", (args) =>
    guarded("brotli_decode", () => codec("brotli_decode").unbrotli(input(args, "brotli_decode", true))),
  );
  b("zstd_encode", (args) => {
    const data = input(args, "zstd_encode", false);
    level(args, "zstd_encode", "level", 3, -131072, 22);
    return new BytesValue(zstdEncode(data));
  });
  b("zstd_decode", (args) => guarded("zstd_decode", () => zstdDecode(input(args, "zstd_decode", true))));
  b("tar_create", (args) => {
    const list = entries(args, "tar_create", true);
    return guarded("tar_create", () => tarCreate(list));
  });
  b("tar_extract", (args) => {
    const archive = input(args, "tar_extract", true);
    const found = guardedEntries("tar_extract", () => tarExtract(archive));
    return found.map((e) => Dict.of({ path: e.path, content: new BytesValue(e.content), mode: e.mode }));
  });
  b("zip_create", (args) => {
    const list = entries(args, "zip_create", false);
    const zlib = codec("zip_create");
    return guarded("zip_create", () => zipCreate(list, (data) => zlib.deflateRaw(data, 6)));
  });
  b("zip_extract", (args) => {
    const archive = input(args, "zip_extract", true);
    const zlib = codec("zip_extract");
    const found = guardedEntries("zip_extract", () => zipExtract(archive, (data) => zlib.inflateRaw(data)));
    return found.map((e) => Dict.of({ path: e.path, content: new BytesValue(e.content) }));
  });
}

function guardedEntries(fn: string, action: () => ArchiveEntry[]): ArchiveEntry[] {
  try {
    return action();
  } catch (e) {
    if (e instanceof VmError) throw e;
    throw failure(fn, e instanceof Error ? e.message : String(e));
  }
}
