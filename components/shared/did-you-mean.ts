/**
 * "Did you mean …?" for a mistyped name (a config key, a service): the closest known names by optimal
 * string alignment distance (Damerau-Levenshtein without repeated edits, as commander measures unknown
 * flags), compared case-insensitively. Stricter than commander (at most 2 edits and more than 60 % alike):
 * a config key is suggested only when it is plainly the one meant (`servces`, `maxInstance`, `gcpproject`).
 */

const MAX_DISTANCE = 2;
const MIN_SIMILARITY = 0.6;

/** The edit distance between `a` and `b` (insertions, deletions, substitutions, adjacent swaps). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 0; j <= b.length; j++) (d[0] as number[])[j] = j;
  const at = (i: number, j: number): number => d[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  return at(a.length, b.length);
}

/** The known names closest to `word` (several when tied), or none when nothing is close. */
export function closestNames(word: string, known: readonly string[]): string[] {
  let best = MAX_DISTANCE + 1;
  let names: string[] = [];
  for (const name of new Set(known)) {
    if (name.length <= 1 || name === word) continue;
    const distance = editDistance(word.toLowerCase(), name.toLowerCase());
    const length = Math.max(word.length, name.length);
    if ((length - distance) / length <= MIN_SIMILARITY || distance > best) continue;
    if (distance < best) names = [];
    best = distance;
    names.push(name);
  }
  return names.sort();
}

/** `did you mean "x"?` (or `one of "x", "y"?`), or "" when nothing is close. */
export function didYouMean(word: string, known: readonly string[]): string {
  const names = closestNames(word, known).map((n) => JSON.stringify(n));
  if (names.length === 0) return "";
  return `did you mean ${names.length === 1 ? names[0] : `one of ${names.join(", ")}`}?`;
}
