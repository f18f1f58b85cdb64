// CSV builtins (`csv_parse(text, {headers?, delimiter?})`,
// `csv_stringify(rows, {headers?, delimiter?})`) with the csv crate's
// reading and writing rules: quoted fields with doubled quotes, CR, LF or
// CRLF record ends, blank lines skipped, ragged rows allowed; on output a
// field is quoted only when it holds the delimiter, a quote or a line break
// (or is the lone empty field of a record), and records end with "\n".
// With `headers: true` parsing yields dicts keyed by the first record, and
// writing dict rows emits the sorted union of their keys as the header.

import { display } from "../../vm/display.ts";
import { compareKeys, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { failThrown, optionsArg, textArg } from "./args.ts";

interface CsvOptions {
  readonly headers: boolean;
  readonly delimiter: string;
}

function csvOptions(args: readonly Value[], fn: string): CsvOptions {
  const opts = optionsArg(args, 1, fn);
  const headers = opts?.get("headers");
  const delimiter = opts?.get("delimiter");
  return {
    headers: headers === true,
    delimiter: typeof delimiter === "string" && delimiter !== "" ? delimiter[0]! : ",",
  };
}

/** Splits CSV text into records of fields. */
export function parseCsv(text: string, delimiter: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let inRecord = false;
  let i = 0;
  const endField = (): void => {
    record.push(field);
    field = "";
  };
  while (i < text.length) {
    const c = text[i]!;
    if (!inRecord && (c === "\r" || c === "\n")) {
      i++;
      continue;
    }
    inRecord = true;
    if (c === '"' && field === "" && (record.length === 0 || text[i - 1] === delimiter)) {
      i = readQuoted(text, i + 1, (s) => {
        field += s;
      });
      continue;
    }
    if (c === delimiter) endField();
    else if (c === "\r" || c === "\n") {
      endField();
      records.push(record);
      record = [];
      inRecord = false;
      if (c === "\r" && text[i + 1] === "\n") i++;
    } else field += c;
    i++;
  }
  if (inRecord) {
    endField();
    records.push(record);
  }
  return records;
}

/** Reads a quoted field body starting after its opening quote; returns the index after the closing quote. */
function readQuoted(text: string, i: number, emit: (s: string) => void): number {
  let start = i;
  while (i < text.length) {
    if (text[i] === '"') {
      emit(text.slice(start, i));
      if (text[i + 1] !== '"') return i + 1;
      emit('"');
      i += 2;
      start = i;
      continue;
    }
    i++;
  }
  emit(text.slice(start));
  return i;
}

function writeRecord(cells: readonly string[], delimiter: string): string {
  if (cells.length === 1 && cells[0] === "") return '""\n';
  const quoted = cells.map((cell) =>
    cell.includes(delimiter) || /["\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell,
  );
  return `${quoted.join(delimiter)}\n`;
}

function stringifyRows(rows: readonly Value[], options: CsvOptions): string {
  let out = "";
  if (rows[0] instanceof Dict) {
    const keys = new Set<string>();
    for (const row of rows) if (row instanceof Dict) for (const k of row.keys()) keys.add(k);
    const header = [...keys].sort(compareKeys);
    if (options.headers) out += writeRecord(header, options.delimiter);
    for (const row of rows) {
      if (!(row instanceof Dict)) throw failThrown("csv_stringify: mixed list/dict rows are not supported");
      out += writeRecord(
        header.map((k) => (row.map.has(k) ? display(row.map.get(k)!) : "")),
        options.delimiter,
      );
    }
    return out;
  }
  for (const row of rows) {
    if (!Array.isArray(row)) {
      throw failThrown("csv_stringify: each row must be a list of cells (or use dict rows)");
    }
    out += writeRecord(row.map(display), options.delimiter);
  }
  return out;
}

export function registerCsv(vm: Vm): void {
  vm.registerBuiltin("csv_parse", (args) => {
    const options = csvOptions(args, "csv_parse");
    const records = parseCsv(textArg(args, 0, "csv_parse", "text"), options.delimiter);
    if (!options.headers) return records;
    const header = records[0] ?? [];
    return records.slice(1).map((record) => new Dict(new Map(header.map((h, i) => [h, record[i] ?? ""]))));
  });

  vm.registerBuiltin("csv_stringify", (args) => {
    const rows = args[0];
    if (!Array.isArray(rows)) throw failThrown("csv_stringify: expected a list of rows");
    return stringifyRows(rows, csvOptions(args, "csv_stringify"));
  });
}
