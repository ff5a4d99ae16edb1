/**
 * "Did you mean …?" for a mistyped command, option or config key. Edit distance with adjacent
 * transpositions (optimal string alignment): `rnu` is one slip from `run`, not two.
 */
export const editDistance = (a: string, b: string): number => {
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (beforePrevious[j - 2] ?? 0) + 1);
      }
      current.push(best);
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
};

/** About one slip per three characters, at most three: `pop` → `pop3`, not `xyz` → `tag`. */
const tolerance = (word: string): number => Math.min(3, Math.max(1, Math.floor(word.length / 3)));

/**
 * The candidate `word` was most likely meant to be, or undefined when none is close. Case is
 * ignored for the distance (`maxmessagesperrun` → `maxMessagesPerRun`); ties go to the first.
 */
export const closest = (word: string, candidates: Iterable<string>): string | undefined => {
  const wanted = word.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance <= tolerance(word) && (!best || distance < best.distance)) {
      best = { candidate, distance };
    }
  }
  return best?.candidate;
};

/** `; did you mean "x"?` or nothing: appended to an error message. */
export const didYouMean = (word: string, candidates: Iterable<string>): string => {
  const match = closest(word, candidates);
  return match === undefined ? '' : `; did you mean ${JSON.stringify(match)}?`;
};
