// `multipart_form_data(fields, options?)`: builds a `multipart/form-data`
// body from field dicts `{name, content|value, filename?, content_type?,
// headers?}` and returns `{boundary, content_type, body}`. Unless
// `options.boundary` is given, the boundary is derived from a SHA-256 of the
// fields' display text, so fixtures are reproducible; a numeric suffix is
// added if field content happens to contain it.

import { display, typeName } from "../../vm/display.ts";
import { runtimeError } from "../../vm/errors.ts";
import { BytesValue, Dict, StructValue, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { toHex, utf8 } from "./args.ts";
import { sha256Bytes } from "./hashing.ts";
import { indexOf, validateBoundary } from "./multipart.ts";

const FN = "multipart_form_data";
const failure = (message: string) => runtimeError(`${FN}: ${message}`);

function fieldText(field: Dict, key: string, required: boolean): string | undefined {
  const v = field.map.get(key);
  if (typeof v === "string") {
    if (required && v === "") throw failure(`${key} must not be empty`);
    return v;
  }
  if (v === undefined) {
    if (required) throw failure(`field is missing ${key}`);
    return undefined;
  }
  if (v === null && !required) return undefined;
  throw failure(`${key} must be a string, got ${typeName(v)}`);
}

function singleLine(value: string, what: string): string {
  if (/[\r\n]/.test(value)) throw failure(`${what} must be single-line`);
  return value;
}

function content(field: Dict): Uint8Array {
  const v = field.map.get("content") ?? field.map.get("value");
  if (v === undefined) throw failure("field is missing content");
  if (v instanceof BytesValue) return v.bytes;
  if (typeof v === "string") return utf8(v);
  throw failure(`content must be bytes or string, got ${typeName(v)}`);
}

function extraHeaders(field: Dict): string {
  const v = field.map.get("headers");
  if (v === undefined) return "";
  if (!(v instanceof Dict)) throw failure(`headers must be a dict, got ${typeName(v)}`);
  let out = "";
  for (const name of v.keys()) {
    if (/[\r\n]/.test(name) || name.trim() === "") throw failure("header names must be single-line");
    const lower = name.toLowerCase();
    if (lower === "content-disposition" || lower === "content-type") {
      throw failure(`${name} is managed by multipart_form_data`);
    }
    const value = v.map.get(name)!;
    if (typeof value !== "string") throw failure(`header ${name} must be a string, got ${typeName(value)}`);
    if (/[\r\n]/.test(value)) throw failure("header values must be single-line");
    out += `${name}: ${value}\r\n`;
  }
  return out;
}

const quoteParam = (v: string): string => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

function part(field: Dict, boundary: string): Uint8Array[] {
  const name = singleLine(fieldText(field, "name", true)!, "field name");
  const filename = fieldText(field, "filename", false);
  const contentType = fieldText(field, "content_type", false);
  const body = content(field);
  const headers = extraHeaders(field);
  let head = `--${boundary}\r\nContent-Disposition: form-data; name=${quoteParam(name)}`;
  if (filename !== undefined) head += `; filename=${quoteParam(singleLine(filename, "filename"))}`;
  head += "\r\n";
  if (contentType !== undefined) head += `Content-Type: ${singleLine(contentType, "content_type")}\r\n`;
  return [utf8(`${head}${headers}\r\n`), body, utf8("\r\n")];
}

function build(fields: readonly Value[], boundary: string): Dict {
  validateBoundary(boundary, FN);
  const chunks = fields.flatMap((field, i) => {
    if (!(field instanceof Dict)) throw failure(`field ${i + 1} must be a dict, got ${typeName(field)}`);
    return part(field, boundary);
  });
  chunks.push(utf8(`--${boundary}--\r\n`));
  const body = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.length;
  }
  return Dict.of({
    boundary,
    content_type: `multipart/form-data; boundary=${boundary}`,
    body: new BytesValue(body),
  });
}

function deterministicBoundary(fields: readonly Value[]): string {
  const digest = sha256Bytes(utf8(fields.map((f) => `${display(f)}\0`).join("")));
  return `----harn-boundary-${toHex(digest.subarray(0, 8))}`;
}

function contains(field: Value, boundary: string): boolean {
  const fieldsOf =
    field instanceof Dict ? field.map : field instanceof StructValue ? field.fields : undefined;
  const v = fieldsOf?.get("content") ?? fieldsOf?.get("value");
  if (v instanceof BytesValue) return indexOf(v.bytes, utf8(boundary), 0) >= 0;
  return typeof v === "string" && v.includes(boundary);
}

function formData(args: Value[]): Dict {
  const fields = args[0];
  if (fields === undefined) throw failure("missing argument 1");
  if (!Array.isArray(fields)) throw failure(`fields must be a list, got ${typeName(fields)}`);
  const options = args[1];
  if (options !== undefined && options !== null && !(options instanceof Dict)) {
    throw failure(`expected options dict at argument 2, got ${typeName(options)}`);
  }
  const explicit = options instanceof Dict ? options.map.get("boundary") : undefined;
  if (explicit !== undefined) {
    if (explicit !== null && typeof explicit !== "string") {
      throw failure(`boundary must be a string, got ${typeName(explicit)}`);
    }
    return build(fields, explicit ?? deterministicBoundary(fields));
  }
  const base = deterministicBoundary(fields);
  for (let counter = 0; counter < 100; counter++) {
    const candidate = counter === 0 ? base : `${base}-${counter}`;
    if (!fields.some((field) => contains(field, candidate))) return build(fields, candidate);
  }
  throw failure("could not generate a boundary absent from field content");
}

export function registerMultipartBuilder(vm: Vm): void {
  vm.registerBuiltin(FN, formData);
}
