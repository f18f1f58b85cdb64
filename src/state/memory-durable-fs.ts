// A DurableFs kept in memory: for embedders without a disk (the browser),
// for simulating a process restart in-process (a second reader over the
// same instance sees exactly what the first one made durable), and for
// tests. "Durable" here means durable for the life of this object.

import type { DurableDirEntry, DurableFs } from "./durable-fs.ts";
import { parentPath } from "./state-paths.ts";

const decoder = new TextDecoder();

export class MemoryDurableFs implements DurableFs {
  private readonly files = new Map<string, string>();
  private readonly dirs = new Set<string>(["/"]);

  private requireParent(path: string): void {
    if (!this.dirs.has(parentPath(path))) throw new Error(`${path}: No such file or directory`);
  }

  readText(path: string): string | null {
    return this.files.get(path) ?? null;
  }

  writeSynced(path: string, data: Uint8Array): void {
    this.requireParent(path);
    this.files.set(path, decoder.decode(data));
  }

  appendSynced(path: string, data: Uint8Array): void {
    this.requireParent(path);
    this.files.set(path, (this.files.get(path) ?? "") + decoder.decode(data));
  }

  rename(from: string, to: string): void {
    const text = this.files.get(from);
    if (text === undefined) throw new Error(`${from}: No such file or directory`);
    this.requireParent(to);
    this.files.delete(from);
    this.files.set(to, text);
  }

  syncDir(): void {}

  makeDirs(path: string): void {
    for (let d = path; d !== "/" && d !== ""; d = parentPath(d)) this.dirs.add(d);
  }

  removeFile(path: string): boolean {
    return this.files.delete(path);
  }

  removeEmptyDir(path: string): boolean {
    const entries = this.readDir(path);
    if (entries === null || entries.length > 0) return false;
    return this.dirs.delete(path);
  }

  readDir(path: string): DurableDirEntry[] | null {
    if (!this.dirs.has(path)) return null;
    const name = (p: string): string => p.slice(p.lastIndexOf("/") + 1);
    const out: DurableDirEntry[] = [];
    for (const d of this.dirs)
      if (d !== path && parentPath(d) === path) out.push({ name: name(d), isDir: true, isFile: false });
    for (const f of this.files.keys())
      if (parentPath(f) === path) out.push({ name: name(f), isDir: false, isFile: true });
    return out.sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  isDir(path: string): boolean {
    return this.dirs.has(path);
  }
}
