/**
 * The synthetic test functions of the Bayesian benchmark (all minimised), with their
 * domains and known minima, as defined in Surjanovic & Bingham's Virtual Library of
 * Simulation Experiments and BoTorch's test_functions. functions.py defines the same
 * ones for the Optuna side.
 */

/** One benchmark function. */
export interface TestFunction {
  readonly name: string;
  readonly bounds: ReadonlyArray<readonly [number, number]>;
  readonly minimum: number;
  readonly f: (x: readonly number[]) => number;
}

const HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H3_A = [
  [3.0, 10, 30],
  [0.1, 10, 35],
  [3.0, 10, 30],
  [0.1, 10, 35],
];
const H3_P = [
  [3689, 1170, 2673],
  [4699, 4387, 7470],
  [1091, 8732, 5547],
  [381, 5743, 8828],
].map((r) => r.map((v) => v * 1e-4));
const H6_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H6_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((r) => r.map((v) => v * 1e-4));

function hartmann(A: number[][], P: number[][], x: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < x.length; j++) inner += A[i]![j]! * (x[j]! - P[i]![j]!) ** 2;
    s += HARTMANN_ALPHA[i]! * Math.exp(-inner);
  }
  return -s;
}

const box = (d: number, lo: number, hi: number) => Array.from({ length: d }, () => [lo, hi] as const);

/** Branin, Hartmann-3, Hartmann-6, Rosenbrock-4, Ackley-5, Levy-4. */
export const TEST_FUNCTIONS: readonly TestFunction[] = [
  {
    name: 'branin',
    bounds: [
      [-5, 10],
      [0, 15],
    ],
    minimum: 0.39788735772973816,
    f: ([x1 = 0, x2 = 0]) =>
      (x2 - (5.1 / (4 * Math.PI ** 2)) * x1 ** 2 + (5 / Math.PI) * x1 - 6) ** 2 +
      10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) +
      10,
  },
  { name: 'hartmann3', bounds: box(3, 0, 1), minimum: -3.86278214782076, f: (x) => hartmann(H3_A, H3_P, x) },
  { name: 'hartmann6', bounds: box(6, 0, 1), minimum: -3.32236801141551, f: (x) => hartmann(H6_A, H6_P, x) },
  {
    name: 'rosenbrock4',
    bounds: box(4, -5, 10),
    minimum: 0,
    f: (x) => {
      let s = 0;
      for (let i = 0; i < x.length - 1; i++) s += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (1 - x[i]!) ** 2;
      return s;
    },
  },
  {
    name: 'ackley5',
    bounds: box(5, -32.768, 32.768),
    minimum: 0,
    f: (x) => {
      const d = x.length;
      let s1 = 0;
      let s2 = 0;
      for (const v of x) {
        s1 += v * v;
        s2 += Math.cos(2 * Math.PI * v);
      }
      return -20 * Math.exp(-0.2 * Math.sqrt(s1 / d)) - Math.exp(s2 / d) + 20 + Math.E;
    },
  },
  {
    name: 'levy4',
    bounds: box(4, -10, 10),
    minimum: 0,
    f: (x) => {
      const w = x.map((v) => 1 + (v - 1) / 4);
      const d = w.length;
      let s = Math.sin(Math.PI * w[0]!) ** 2;
      for (let i = 0; i < d - 1; i++) {
        s += (w[i]! - 1) ** 2 * (1 + 10 * Math.sin(Math.PI * w[i]! + 1) ** 2);
      }
      s += (w[d - 1]! - 1) ** 2 * (1 + Math.sin(2 * Math.PI * w[d - 1]!) ** 2);
      return s;
    },
  },
];
