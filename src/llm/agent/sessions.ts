// Agent sessions (spec: "Agent sessions"): named conversations that
// outlive one agent_loop call. A session owns a transcript and its place
// in a fork tree (parent, children, branch point). The store belongs to
// one VM; which session is *current* is ambient per task and lives on the
// TaskContext's agent-session stack, not here. Least recently used
// sessions are evicted past a cap, as in the reference.

import { display } from "../../vm/display.ts";
import { thrown } from "../../vm/errors.ts";
import { Dict, type Value } from "../../vm/values.ts";
import { eventsFromMessages, eventsOf, messagesOf, newId, newTranscript, summaryOf } from "./transcript.ts";

const DEFAULT_SESSION_CAP = 128;

interface Session {
  readonly id: string;
  transcript: Dict;
  parentId: string | null;
  childIds: string[];
  branchedAtEventIndex: number | null;
  lastAccessed: number;
  /** Skills active when the last agent loop on this session ended. */
  activeSkills: string[];
}

export interface Ancestry {
  readonly parentId: string | null;
  readonly childIds: readonly string[];
  readonly rootId: string;
}

const emptyTranscript = (id: string): Dict => newTranscript({ id, messages: [] });

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  /** Logical clock for LRU eviction (deterministic, unlike wall time). */
  private tick = 0;

  constructor(private readonly cap = DEFAULT_SESSION_CAP) {}

  private touch(s: Session): Session {
    s.lastAccessed = ++this.tick;
    return s;
  }

  exists(id: string): boolean {
    return this.sessions.has(id);
  }

  /** Opens `id` (or a fresh id), creating it when missing; returns the id. */
  open(id?: string | null): string {
    const resolved = id ?? newId();
    const existing = this.sessions.get(resolved);
    if (existing) {
      this.touch(existing);
      return resolved;
    }
    if (this.sessions.size >= this.cap) this.evictOldest();
    this.sessions.set(
      resolved,
      this.touch({
        id: resolved,
        transcript: emptyTranscript(resolved),
        parentId: null,
        childIds: [],
        branchedAtEventIndex: null,
        lastAccessed: 0,
        activeSkills: [],
      }),
    );
    return resolved;
  }

  private evictOldest(): void {
    let victim: Session | undefined;
    for (const s of this.sessions.values()) if (!victim || s.lastAccessed < victim.lastAccessed) victim = s;
    if (victim) this.sessions.delete(victim.id);
  }

  close(id: string): void {
    this.sessions.delete(id);
  }

  length(id: string): number | undefined {
    const s = this.sessions.get(id);
    return s === undefined ? undefined : messagesOf(s.transcript).length;
  }

  transcript(id: string): Dict | undefined {
    return this.sessions.get(id)?.transcript;
  }

  /** The transcript plus lineage fields, as `agent_session_snapshot` returns it. */
  snapshot(id: string): Dict | undefined {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    const m = new Map(s.transcript.map);
    m.set("parent_id", s.parentId);
    m.set("child_ids", [...s.childIds]);
    m.set("branched_at_event_index", s.branchedAtEventIndex);
    return new Dict(m);
  }

  ancestry(id: string): Ancestry | undefined {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    let rootId = s.id;
    const seen = new Set([s.id]);
    for (let cursor = s.parentId; cursor !== null && !seen.has(cursor); ) {
      seen.add(cursor);
      rootId = cursor;
      cursor = this.sessions.get(cursor)?.parentId ?? null;
    }
    return { parentId: s.parentId, childIds: [...s.childIds], rootId };
  }

  reset(id: string): boolean {
    const s = this.sessions.get(id);
    if (!s) return false;
    this.touch(s).transcript = emptyTranscript(id);
    return true;
  }

  /** Copies `src` into a new session (subscribers and lineage of `src` stay put). */
  fork(srcId: string, dstId?: string | null): string | undefined {
    const src = this.sessions.get(srcId);
    if (!src) return undefined;
    this.touch(src);
    const dst = dstId ?? newId();
    const copied = src.transcript.with("id", dst);
    this.open(dst);
    const target = this.sessions.get(dst)!;
    target.transcript = copied;
    this.link(srcId, dst, null);
    return dst;
  }

  /** A fork that keeps only the first `keepFirst` messages, recording the branch point. */
  forkAt(srcId: string, keepFirst: number, dstId?: string | null): string | undefined {
    const src = this.sessions.get(srcId);
    if (!src) return undefined;
    const branchAt = branchEventIndex(src.transcript, keepFirst);
    const dst = this.fork(srcId, dstId);
    if (dst === undefined) return undefined;
    this.link(srcId, dst, branchAt);
    this.replaceMessages(dst, messagesOf(this.sessions.get(dst)!.transcript).slice(0, keepFirst));
    return dst;
  }

  /** Opens `childId` as a fork of `parentId` when the parent exists, else as a fresh session. */
  openChild(parentId: string, childId: string): string {
    const resolved = this.fork(parentId, childId) ?? this.open(childId);
    this.link(parentId, resolved, null);
    return resolved;
  }

  private link(parentId: string, childId: string, branchAt: number | null): void {
    if (parentId === childId) return;
    this.open(parentId);
    this.open(childId);
    const child = this.sessions.get(childId)!;
    if (child.parentId !== null && child.parentId !== parentId) {
      const old = this.sessions.get(child.parentId);
      if (old) old.childIds = old.childIds.filter((c) => c !== childId);
    }
    const parent = this.sessions.get(parentId)!;
    if (!parent.childIds.includes(childId)) parent.childIds.push(childId);
    child.parentId = parentId;
    child.branchedAtEventIndex = branchAt;
  }

  /** Keeps the last `keepLast` messages; returns how many were kept. */
  trim(id: string, keepLast: number): number | undefined {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    const messages = messagesOf(s.transcript);
    const kept = messages.slice(Math.max(0, messages.length - keepLast));
    this.replaceMessages(id, kept);
    return kept.length;
  }

  replaceMessages(id: string, messages: readonly Value[]): void {
    const s = this.sessions.get(id);
    if (!s) return;
    this.touch(s).transcript = s.transcript
      .with("messages", [...messages])
      .with("events", eventsFromMessages(messages));
  }

  /** Appends a message dict (which must carry a string `role`). */
  inject(id: string, message: Value): void {
    if (!(message instanceof Dict)) throw thrown("agent_session_inject: message must be a dict");
    if (typeof message.get("role") !== "string") {
      throw thrown(
        "agent_session_inject: message must have a string `role` (user|assistant|tool_result|system)",
      );
    }
    const s = this.sessions.get(id);
    if (!s) throw thrown(`agent_session_inject: unknown session id '${id}'`);
    this.replaceMessages(id, [...messagesOf(s.transcript), message]);
  }

  /** Appends an orchestration event without touching the message list. */
  appendEvent(id: string, event: Dict): void {
    const s = this.sessions.get(id);
    if (!s) return;
    this.touch(s).transcript = s.transcript.with("events", [...eventsOf(s.transcript), event]);
  }

  activeSkills(id: string): string[] {
    return [...(this.sessions.get(id)?.activeSkills ?? [])];
  }

  setActiveSkills(id: string, names: readonly string[]): void {
    const s = this.sessions.get(id);
    if (s) s.activeSkills = [...names];
  }

  store(id: string, transcript: Dict): void {
    const s = this.sessions.get(id);
    if (s) this.touch(s).transcript = transcript;
  }

  /**
   * The messages a resumed agent_loop starts from: the stored messages,
   * preceded by the compaction summary when the list does not already
   * open with it.
   */
  promptState(id: string): { messages: Value[]; summary: string | null } {
    const s = this.sessions.get(id);
    if (!s) return { messages: [], summary: null };
    const messages = messagesOf(s.transcript);
    const summary = summaryOf(s.transcript);
    if (summary !== null && summary.trim() !== "") {
      const first = messages[0];
      const opensWithSummary =
        first instanceof Dict && first.get("role") === "user" && first.get("content") === summary;
      if (!opensWithSummary)
        return { messages: [Dict.of({ role: "user", content: summary }), ...messages], summary };
    }
    return { messages, summary };
  }
}

/** How many events precede the branch point after the first `keepFirst` messages. */
function branchEventIndex(transcript: Dict, keepFirst: number): number {
  if (keepFirst === 0) return 0;
  const events = eventsOf(transcript);
  let seen = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const kind = e instanceof Dict ? display(e.get("kind")) : "";
    if ((kind === "message" || kind === "tool_result") && ++seen === keepFirst) return i + 1;
  }
  return events.length;
}
