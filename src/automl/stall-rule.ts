/** Trials without improvement before early termination may stop the job (Azure's 20). */
export const NO_IMPROVEMENT_TRIALS = 20;

/** Where the search stands when a trial ends, for the early-termination rule. */
export interface SearchProgress {
  /** Trials completed since the best score last improved. */
  readonly sinceImprovement: number;
  /** Trials the search may still run (the trial limit less the trials ended). */
  readonly trialsLeft: number;
  /** Seconds since the best score last improved; absent when the search counts work, not time. */
  readonly secondsSinceImprovement?: number;
  /** Seconds left for trials (the time limit less what the refits after the search need). */
  readonly secondsLeft?: number;
}

/**
 * Early termination that stops only a search that has stalled for as long as it could
 * still run: after at least 20 trials without improvement (Azure's rule), the search
 * stops once the trials since its last improvement are at least the trials it has left,
 * or the seconds since its last improvement at least the seconds it has left. A search
 * that improved at 2 s of 60 s therefore runs to about 31 s, and to 40 s when it
 * improves again at 20 s; one that has waited 20 trials with 58 s and cheap trials
 * ahead goes on. Under a time limit the rule reads the clock; with a trial limit and no
 * time limit (counted work) it counts trials only, so a seeded run repeats exactly.
 *
 * @example
 * searchStalled({ sinceImprovement: 25, trialsLeft: 900, secondsSinceImprovement: 3, secondsLeft: 55 }); // false
 * searchStalled({ sinceImprovement: 25, trialsLeft: 900, secondsSinceImprovement: 30, secondsLeft: 28 }); // true
 */
export function searchStalled(p: SearchProgress): boolean {
  if (p.sinceImprovement < NO_IMPROVEMENT_TRIALS) return false;
  if (p.sinceImprovement >= p.trialsLeft) return true;
  return (
    p.secondsSinceImprovement !== undefined &&
    p.secondsLeft !== undefined &&
    p.secondsSinceImprovement >= p.secondsLeft
  );
}
