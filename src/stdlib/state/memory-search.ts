// Ranking for durable memory: BM25 (k1 = 1.2, b = 0.75) over each record's
// key, text, tags and value, plus a small boost when a query term is the
// record's key or one of its tags. Records that score nothing are dropped;
// ties go to the newest record. Matches the reference's scoring so recall
// order is the same for the same data.

export interface MemoryRecord {
  readonly id: string;
  readonly namespace: string;
  readonly key: string;
  /** The stored value as compact JSON text (what the search sees). */
  readonly valueJson: string;
  readonly text: string;
  readonly tags: readonly string[];
  readonly storedAt: string;
}

export interface Ranked<R extends MemoryRecord> {
  readonly record: R;
  readonly score: number;
  /** Position in the event log (later is newer). */
  readonly sequence: number;
}

const encoder = new TextEncoder();

/** Lowercased alphanumeric runs longer than one byte. */
export function tokenize(input: string): string[] {
  const out: string[] = [];
  for (const term of input.split(/[^\p{L}\p{N}]+/u)) {
    const lower = term.replace(/[A-Z]/g, (c) => c.toLowerCase());
    if (encoder.encode(lower).length > 1) out.push(lower);
  }
  return out;
}

export function searchableText(r: MemoryRecord): string {
  return `${r.key}\n${r.text}\n${r.tags.join(" ")}\n${r.valueJson}`;
}

/** Newest first: later stored_at, then later in the log, then smaller id. */
export function newestFirst<R extends MemoryRecord>(a: Ranked<R>, b: Ranked<R>): number {
  if (a.record.storedAt !== b.record.storedAt) return a.record.storedAt < b.record.storedAt ? 1 : -1;
  if (a.sequence !== b.sequence) return b.sequence - a.sequence;
  return a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0;
}

function bm25(
  query: string[],
  doc: string[],
  docFreq: Map<string, number>,
  total: number,
  avgLen: number,
): number {
  if (doc.length === 0) return 0;
  const tf = new Map<string, number>();
  for (const t of doc) tf.set(t, (tf.get(t) ?? 0) + 1);
  const k1 = 1.2;
  const b = 0.75;
  const len = Math.max(doc.length, 1);
  let score = 0;
  for (const term of query) {
    const freq = tf.get(term) ?? 0;
    if (freq === 0) continue;
    const df = docFreq.get(term) ?? 0;
    const idf = Math.log((total - df + 0.5) / (df + 0.5) + 1);
    score += (idf * (freq * (k1 + 1))) / (freq + k1 * (1 - b + (b * len) / avgLen));
  }
  return score;
}

function fieldBoost(query: string[], r: MemoryRecord): number {
  const key = new Set(tokenize(r.key));
  const tags = new Set(r.tags.flatMap(tokenize));
  let boost = 0;
  for (const term of query) boost += (key.has(term) ? 0.4 : 0) + (tags.has(term) ? 0.25 : 0);
  return boost;
}

/** Records ranked for `query`; with no usable query terms, every record newest first. */
export function rank<R extends MemoryRecord>(records: readonly [number, R][], query: string): Ranked<R>[] {
  const terms = tokenize(query);
  if (terms.length === 0) {
    return records.map(([sequence, record]) => ({ record, score: 0, sequence })).sort(newestFirst);
  }
  const docs = records.map(([, r]) => tokenize(searchableText(r)));
  const total = Math.max(docs.length, 1);
  const avgLen =
    Math.max(
      docs.reduce((n, d) => n + d.length, 0),
      1,
    ) / total;
  const docFreq = new Map<string, number>();
  for (const doc of docs) for (const t of new Set(doc)) docFreq.set(t, (docFreq.get(t) ?? 0) + 1);
  const ranked: Ranked<R>[] = [];
  records.forEach(([sequence, record], i) => {
    const score = bm25(terms, docs[i]!, docFreq, total, avgLen) + fieldBoost(terms, record);
    if (score > 0) ranked.push({ record, score, sequence });
  });
  return ranked.sort((a, b) => (a.score !== b.score ? b.score - a.score : newestFirst(a, b)));
}
