// The file access the agent runtime needs (daemon and worker snapshots),
// built from the system host: parents are created before a write, and a
// snapshot is written to a temporary sibling and renamed into place so a
// reader never sees half a file.

import type { AgentFiles } from "../../llm/agent/daemon.ts";
import type { SystemHost } from "../system/host.ts";

function parentOf(path: string): string {
  const i = path.replace(/[\\/]+$/, "").lastIndexOf("/");
  return i <= 0 ? (i === 0 ? "/" : ".") : path.slice(0, i);
}

export function agentFiles(system: SystemHost): AgentFiles {
  return {
    readText: (path) => system.readText(path),
    writeText: (path, text) => {
      const parent = parentOf(path);
      if (parent !== "." && !system.exists(parent)) system.makeDir(parent);
      const tmp = `${path}.tmp`;
      system.writeText(tmp, text);
      system.rename(tmp, path);
    },
    exists: (path) => system.exists(path),
    stamp: (path) => {
      if (!system.exists(path)) return 0;
      return system.stat(path).modifiedMs ?? 0;
    },
    now: () => system.nowMs(),
  };
}
