// Which known name a misspelt one was meant to be: the one at the smallest edit distance, the
// first on a tie. One home for every "did you mean ...?" (receiver patterns, sender, command line).

/** Levenshtein distance; `ignoreCase` compares letters without case. */
export function editDistance(a: string, b: string, ignoreCase = false): number {
  const left = ignoreCase ? a.toLowerCase() : a;
  const right = ignoreCase ? b.toLowerCase() : b;
  const row = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i += 1) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= right.length; j += 1) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (left[i - 1] === right[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[right.length]!;
}

/** The candidate nearest to `input` (the first of the nearest); undefined for no candidates. */
export function closest(input: string, candidates: Iterable<string>, ignoreCase = false): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  // A name past 200 characters is no misspelling worth a quadratic comparison.
  const bounded = input.slice(0, 200);
  for (const candidate of candidates) {
    const distance = editDistance(bounded, candidate, ignoreCase);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}
