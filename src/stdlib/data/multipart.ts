// Buffered `multipart/form-data` (spec: builtins "Multipart forms"):
// `multipart_parse` with size and count limits, `multipart_field_bytes` and
// `multipart_field_text` (building bodies is in multipart-build.ts).
// Bodies are bytes; parsing works on bytes, and header blocks must be UTF-8.

import { typeName } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { BytesValue, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { utf8 } from "./args.ts";
import { DecodeError, utf8Strict } from "./encoding.ts";

const MIB8 = 8 * 1024 * 1024;

const failure = (fn: string, message: string) => runtimeError(`${fn}: ${message}`);

interface Limits {
  readonly total: number;
  readonly field: number;
  readonly count: number;
}

function limit(opts: Dict | undefined, key: string, fallback: number, fn: string): number {
  const v = opts?.map.get(key);
  if (v === undefined) return fallback;
  if (typeof v === "number" || typeof v === "bigint") {
    if (v < 0) throw failure(fn, `${key} must be non-negative, got ${v}`);
    return Number(v);
  }
  throw failure(fn, `${key} must be an int, got ${typeName(v)}`);
}

/** Splits a header value into its lowercased base and its `name=value` parameters (quotes removed). */
export function headerParams(value: string): [string, Map<string, string>] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted && c === "\\" && i + 1 < value.length) {
      current += c + value[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ";" && !quoted) {
      parts.push(current.trim());
      current = "";
    } else current += c;
  }
  parts.push(current.trim());
  const params = new Map<string, string>();
  for (const part of parts.slice(1)) {
    const eq = part.indexOf("=");
    const name = eq < 0 ? "" : part.slice(0, eq).trim().toLowerCase();
    if (name !== "") params.set(name, unquote(part.slice(eq + 1).trim()));
  }
  return [parts[0]!.toLowerCase(), params];
}

function unquote(v: string): string {
  if (v.length < 2 || !v.startsWith('"') || !v.endsWith('"')) return v;
  return v.slice(1, -1).replace(/\\(.?)/gs, (_, c: string) => (c === "" ? "\\" : c));
}

export function validateBoundary(boundary: string, fn: string): void {
  if (boundary === "") throw failure(fn, "boundary must not be empty");
  if (utf8(boundary).length > 70) throw failure(fn, "boundary must be at most 70 bytes");
  if (!/^[0-9A-Za-z'()+_,\-./:=?]+$/.test(boundary)) {
    throw failure(fn, "boundary contains a character that is not valid in multipart/form-data");
  }
}

export function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function startsAt(hay: Uint8Array, needle: Uint8Array, at: number): boolean {
  return indexOf(hay.subarray(at, at + needle.length), needle, 0) === 0;
}

function partHeaders(raw: Uint8Array, fn: string): Map<string, string> {
  let text: string;
  try {
    text = utf8Strict(raw);
  } catch (e) {
    throw failure(fn, `part headers are not UTF-8: ${e instanceof DecodeError ? e.message : e}`);
  }
  const headers = new Map<string, string>();
  if (text === "") return headers;
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) throw failure(fn, `malformed part header line \`${line}\``);
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name === "") throw failure(fn, "part header name must not be empty");
    headers.set(name, line.slice(colon + 1).trim());
  }
  return headers;
}

function parseBody(body: Uint8Array, boundary: string, limits: Limits, fn: string): Dict[] {
  if (body.length > limits.total) {
    throw failure(fn, `total body size ${body.length} exceeds max_total_bytes ${limits.total}`);
  }
  const delimiter = utf8(`--${boundary}`);
  const marker = utf8(`\r\n--${boundary}`);
  const CRLF = utf8("\r\n");
  if (!startsAt(body, delimiter, 0)) throw failure(fn, "body does not start with multipart boundary");
  const fields: Dict[] = [];
  let pos = delimiter.length;
  for (;;) {
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) {
      pos += 2;
      if (startsAt(body, CRLF, pos)) pos += 2;
      if (pos !== body.length) throw failure(fn, "unexpected bytes after closing boundary");
      return fields;
    }
    if (!startsAt(body, CRLF, pos)) throw failure(fn, "malformed boundary delimiter line");
    pos += 2;
    if (fields.length >= limits.count) throw failure(fn, `field count exceeds max_fields ${limits.count}`);
    const headerEnd = indexOf(body, utf8("\r\n\r\n"), pos);
    if (headerEnd < 0) throw failure(fn, "part is missing header terminator");
    const headers = partHeaders(body.subarray(pos, headerEnd), fn);
    pos = headerEnd + 4;
    const contentEnd = indexOf(body, marker, pos);
    if (contentEnd < 0) throw failure(fn, "part is missing following boundary");
    const bytes = body.slice(pos, contentEnd);
    if (bytes.length > limits.field) {
      throw failure(fn, `field size ${bytes.length} exceeds max_field_bytes ${limits.field}`);
    }
    fields.push(fieldDict(headers, bytes, fn));
    pos = contentEnd + 2;
    if (!startsAt(body, delimiter, pos)) throw failure(fn, "malformed boundary after part");
    pos += delimiter.length;
  }
}

function fieldDict(headers: Map<string, string>, bytes: Uint8Array, fn: string): Dict {
  const disposition = headers.get("content-disposition");
  if (disposition === undefined) throw failure(fn, "part is missing Content-Disposition header");
  const [kind, params] = headerParams(disposition);
  if (kind !== "form-data") throw failure(fn, `expected form-data disposition, got ${kind}`);
  const name = params.get("name");
  if (name === undefined || name === "") throw failure(fn, "part Content-Disposition is missing name");
  let text: Value;
  try {
    text = utf8Strict(bytes);
  } catch {
    text = null;
  }
  return Dict.of({
    name,
    filename: params.get("filename") ?? null,
    content_type: headers.get("content-type") ?? null,
    headers: new Dict(new Map(headers)),
    bytes: new BytesValue(bytes),
    text,
  });
}

function multipartParse(args: Value[]): Dict {
  const fn = "multipart_parse";
  const body = args[0];
  if (body === undefined) throw failure(fn, "missing argument 1");
  if (typeof body !== "string" && !(body instanceof BytesValue)) {
    throw failure(fn, `expected bytes or string at argument 1, got ${typeName(body)}`);
  }
  const contentType = args[1];
  if (typeof contentType !== "string") {
    throw failure(
      fn,
      contentType === undefined
        ? "missing argument 2"
        : `expected string at argument 2, got ${typeName(contentType)}`,
    );
  }
  const opts = args[2];
  if (opts !== undefined && opts !== null && !(opts instanceof Dict)) {
    throw failure(fn, `expected options dict at argument 3, got ${typeName(opts)}`);
  }
  const options = opts instanceof Dict ? opts : undefined;
  const limits = {
    total: limit(options, "max_total_bytes", MIB8, fn),
    field: limit(options, "max_field_bytes", MIB8, fn),
    count: limit(options, "max_fields", 128, fn),
  };
  const [mediaType, params] = headerParams(contentType);
  if (mediaType !== "multipart/form-data") {
    throw failure(fn, `expected multipart/form-data content type, got ${mediaType}`);
  }
  const boundary = params.get("boundary");
  if (boundary === undefined) throw failure(fn, "content type is missing boundary");
  validateBoundary(boundary, fn);
  const bytes = typeof body === "string" ? utf8(body) : body.bytes;
  const fields = parseBody(bytes, boundary, limits, fn);
  return Dict.of({ boundary, fields, field_count: fields.length, total_bytes: bytes.length });
}

function fieldBytes(args: Value[], fn: string): Uint8Array {
  const field = args[0];
  if (field === undefined) throw failure(fn, "missing argument 1");
  if (!(field instanceof Dict)) throw failure(fn, `field must be a dict, got ${typeName(field)}`);
  const bytes = field.map.get("bytes");
  if (bytes === undefined) throw failure(fn, "field is missing bytes");
  if (!(bytes instanceof BytesValue)) throw failure(fn, `field.bytes must be bytes, got ${typeName(bytes)}`);
  return bytes.bytes;
}

export function registerMultipart(vm: Vm): void {
  vm.registerBuiltin("multipart_parse", multipartParse);
  vm.registerBuiltin(
    "multipart_field_bytes",
    (args) => new BytesValue(fieldBytes(args, "multipart_field_bytes")),
  );
  vm.registerBuiltin("multipart_field_text", (args) => {
    const bytes = fieldBytes(args, "multipart_field_text");
    try {
      return utf8Strict(bytes);
    } catch (e) {
      throw failure("multipart_field_text", e instanceof Error ? e.message : String(e));
    }
  });
}
