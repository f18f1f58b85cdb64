// The Node implementation of DurableFs, the file access durable agent
// state needs (src/state/durable-fs.ts). Files are written with an
// explicit fsync and directories can be fsynced, so the state layer's
// temp-file-and-rename protocol is durable across power loss. Errors are
// worded like Rust's io::Error through the system host's translator.

import fs from "node:fs";
import type { DurableDirEntry, DurableFs } from "../state/durable-fs.ts";
import { hostError } from "./system-host.ts";

function io<T>(op: () => T): T {
  try {
    return op();
  } catch (e) {
    throw hostError(e);
  }
}

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | null)?.code;
}

export const nodeDurableFs: DurableFs = {
  readText(path: string): string | null {
    try {
      return fs.readFileSync(path, "utf8");
    } catch (e) {
      if (code(e) === "ENOENT") return null;
      throw hostError(e);
    }
  },

  writeSynced(path: string, data: Uint8Array): void {
    io(() => {
      const fd = fs.openSync(path, "w", 0o666);
      try {
        let offset = 0;
        while (offset < data.length) offset += fs.writeSync(fd, data, offset);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    });
  },

  appendSynced(path: string, data: Uint8Array): void {
    io(() => {
      const fd = fs.openSync(path, "a", 0o666);
      try {
        let offset = 0;
        while (offset < data.length) offset += fs.writeSync(fd, data, offset);
        fs.fdatasyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    });
  },

  rename(from: string, to: string): void {
    io(() => fs.renameSync(from, to));
  },

  syncDir(path: string): void {
    // Some filesystems cannot fsync a directory; the rename is then as durable as they allow.
    try {
      const fd = fs.openSync(path, "r");
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      return;
    }
  },

  makeDirs(path: string): void {
    io(() => fs.mkdirSync(path, { recursive: true }));
  },

  removeFile(path: string): boolean {
    try {
      fs.unlinkSync(path);
      return true;
    } catch (e) {
      if (code(e) === "ENOENT") return false;
      throw hostError(e);
    }
  },

  removeEmptyDir(path: string): boolean {
    try {
      fs.rmdirSync(path);
      return true;
    } catch (e) {
      const c = code(e);
      if (c === "ENOENT" || c === "ENOTEMPTY" || c === "EEXIST") return false;
      throw hostError(e);
    }
  },

  readDir(path: string): DurableDirEntry[] | null {
    try {
      return fs
        .readdirSync(path, { withFileTypes: true })
        .map((d) => ({ name: d.name, isDir: d.isDirectory(), isFile: d.isFile() }));
    } catch (e) {
      if (code(e) === "ENOENT") return null;
      throw hostError(e);
    }
  },

  isDir(path: string): boolean {
    try {
      return fs.statSync(path).isDirectory();
    } catch {
      return false;
    }
  },
};
