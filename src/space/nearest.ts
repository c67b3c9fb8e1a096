/**
 * The candidate closest to a misspelt word (optimal string alignment distance, which
 * counts a swap of two neighbours as one edit), or undefined when none is close enough
 * to be a plausible typo.
 *
 * @example
 * nearest('max_total_trails', ['max_total_trials', 'timeout']); // 'max_total_trials'
 */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const w = word.toLowerCase();
  for (const candidate of candidates) {
    const d = editDistance(w, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const allowed = Math.max(2, Math.floor(word.length / 3));
  return bestDistance <= allowed ? best : undefined;
}

/**
 * The " did you mean 'x'?" clause of an error message, or '' when no candidate is close.
 *
 * @example
 * didYouMean('unifrom', ['uniform', 'normal']); // " did you mean 'uniform'?"
 */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = nearest(word, candidates);
  return match === undefined ? '' : ` did you mean '${match}'?`;
}

/**
 * didYouMean as a clause after a list of the allowed names ("(known: a, b); did you mean
 * 'a'?"), or '' when no candidate is close: no separator left dangling.
 *
 * @example
 * didYouMeanAfterList('unifrom', ['uniform', 'normal']); // "; did you mean 'uniform'?"
 */
export function didYouMeanAfterList(word: string, candidates: Iterable<string>): string {
  const hint = didYouMean(word, candidates);
  return hint ? `;${hint}` : '';
}

function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(
        (d[(i - 1) * cols + j] as number) + 1,
        (d[i * cols + j - 1] as number) + 1,
        (d[(i - 1) * cols + j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, (d[(i - 2) * cols + j - 2] as number) + 1);
      }
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1] as number;
}
