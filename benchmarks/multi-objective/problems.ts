/**
 * The multi-objective test problems of the benchmark (Zitzler, Deb & Thiele 2000; Deb,
 * Thiele, Laumanns & Zitzler 2002), every objective minimised, variables in [0, 1].
 * optuna_mo.py repeats the same formulas so both sides optimise the same thing.
 */

/** A test problem: its variables (all in [0, 1]), objectives and reference point. */
export interface Problem {
  readonly name: string;
  readonly variables: number;
  readonly objectives: number;
  readonly reference: readonly number[];
  evaluate(x: ArrayLike<number>): number[];
}

function zdtG(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 1; i < x.length; i++) s += x[i]!;
  return 1 + (9 * s) / (x.length - 1);
}

/** ZDT1: convex front f2 = 1 - sqrt(f1). */
export const zdt1: Problem = {
  name: 'ZDT1',
  variables: 30,
  objectives: 2,
  reference: [1.1, 1.1],
  evaluate(x) {
    const f1 = x[0]!;
    const g = zdtG(x);
    return [f1, g * (1 - Math.sqrt(f1 / g))];
  },
};

/** ZDT2: concave front f2 = 1 - f1². */
export const zdt2: Problem = {
  name: 'ZDT2',
  variables: 30,
  objectives: 2,
  reference: [1.1, 1.1],
  evaluate(x) {
    const f1 = x[0]!;
    const g = zdtG(x);
    return [f1, g * (1 - (f1 / g) ** 2)];
  },
};

/** ZDT3: a disconnected front. */
export const zdt3: Problem = {
  name: 'ZDT3',
  variables: 30,
  objectives: 2,
  reference: [1.1, 1.1],
  evaluate(x) {
    const f1 = x[0]!;
    const g = zdtG(x);
    return [f1, g * (1 - Math.sqrt(f1 / g) - (f1 / g) * Math.sin(10 * Math.PI * f1))];
  },
};

/** DTLZ2 with 3 objectives and 12 variables: the front is the positive octant of the unit sphere. */
export const dtlz2: Problem = {
  name: 'DTLZ2',
  variables: 12,
  objectives: 3,
  reference: [1.1, 1.1, 1.1],
  evaluate(x) {
    const m = 3;
    let g = 0;
    for (let i = m - 1; i < x.length; i++) g += (x[i]! - 0.5) ** 2;
    const a = (x[0]! * Math.PI) / 2;
    const b = (x[1]! * Math.PI) / 2;
    return [(1 + g) * Math.cos(a) * Math.cos(b), (1 + g) * Math.cos(a) * Math.sin(b), (1 + g) * Math.sin(a)];
  },
};

/** Every problem of the benchmark, in the order the table lists them. */
export const PROBLEMS: readonly Problem[] = [zdt1, zdt2, zdt3, dtlz2];
