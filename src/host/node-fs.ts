// Filesystem and path access for the CLI and the module loader. The only
// place (with the rest of src/host) that touches node:* modules, so the VM
// and compiler stay runnable in a browser.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export function readText(file: string): string {
  return readFileSync(file, "utf8");
}

export function fileExists(file: string): boolean {
  return existsSync(file);
}

export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** All files under `dir` (recursively) whose names end with `ext`, sorted. */
export function listFiles(dir: string, ext: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(ext)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

export const paths = {
  join: path.join,
  dirname: path.dirname,
  resolve: path.resolve,
  relative: path.relative,
  basename: path.basename,
  isAbsolute: path.isAbsolute,
};
