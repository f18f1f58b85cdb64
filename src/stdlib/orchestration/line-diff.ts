// A unified-style line diff for diff artifacts: `--- a/<path>` /
// `+++ b/<path>` then every line of both versions prefixed with " ", "-"
// or "+", from a longest-common-subsequence alignment. Artifacts carry
// short texts (a file or a hunk), so the quadratic table is fine; beyond
// a few thousand lines per side it falls back to "all removed, all added"
// rather than allocating an enormous table.

const MAX_CELLS = 4_000_000;

function lines(text: string): string[] {
  if (text === "") return [];
  const parts = text.split("\n");
  if (parts[parts.length - 1] === "") parts.pop();
  return parts.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

export function unifiedDiff(path: string | null, before: string, after: string): string {
  const a = lines(before);
  const b = lines(after);
  const file = path ?? "artifact";
  const out = [`--- a/${file}`, `+++ b/${file}`];
  if (a.length * b.length > MAX_CELLS) {
    for (const l of a) out.push(`-${l}`);
    for (const l of b) out.push(`+${l}`);
    return `${out.join("\n")}\n`;
  }
  // lcs[i][j]: length of the common subsequence of a[i..] and b[j..].
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? lcs[(i + 1) * width + j + 1]! + 1
          : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(` ${a[i]}`);
      i++;
      j++;
    } else if (j >= b.length || (i < a.length && lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)) {
      out.push(`-${a[i]}`);
      i++;
    } else {
      out.push(`+${b[j]}`);
      j++;
    }
  }
  return `${out.join("\n")}\n`;
}
