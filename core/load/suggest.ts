/**
 * "Did you mean …?" for misspelt keys, tier ids, cluster names and official
 * names. Uses `fastest-levenshtein` (a small, widely used edit-distance
 * library) rather than a hand-written distance.
 */
import { distance } from "fastest-levenshtein";

/**
 * The candidate closest to `word`, when it is close enough to be a plausible
 * typo: at most a third of the word's length in edits (and at least one edit
 * allowed), compared without regard to case.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const allowed = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= allowed ? best : undefined;
}

/** `; did you mean "x"?` or "" — to append to a message. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closest(word, candidates);
  return match === undefined ? "" : `; did you mean "${match}"?`;
}
