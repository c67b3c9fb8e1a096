/**
 * Exact hypervolume of a set of loss vectors (every objective minimised) with respect to
 * a reference point: the volume of the region that some point dominates and that
 * dominates the reference point. Points that do not strictly dominate the reference
 * point in every objective contribute nothing and are dropped first; dominated points
 * and duplicates add nothing.
 *
 * - 1 objective: the distance from the best point to the reference.
 * - 2 objectives: sort by f1 and sum the strips (O(n log n)).
 * - 3 objectives: sweep along f3 and keep the 2-D front of the points seen so far with
 *   its area (slicing; O(n²) in the worst case, n log n for the sort).
 * - 4 and more: WFG (While, Bradstreet & Barone 2012): the sum over points of their
 *   exclusive hypervolume, the box of the point minus the hypervolume of the later points
 *   limited to it (each coordinate replaced by the worse of the two); limited sets of 3
 *   objectives or fewer end the recursion in the exact sweeps above.
 */
import { ValidationError } from '../../core/errors.ts';
import { compareLex, dominates } from './dominance.ts';

type Point = ArrayLike<number>;

/**
 * The hypervolume dominated by `points` and bounded by `reference` (minimisation).
 *
 * @example
 * hypervolume([[1, 2], [2, 1]], [3, 3]); // 3
 * hypervolume([[1, 1, 1]], [2, 2, 2]); // 1
 * hypervolume([], [1, 1]); // 0
 */
export function hypervolume(points: readonly Point[], reference: Point): number {
  const m = reference.length;
  for (const p of points) {
    if (p.length !== m) {
      throw new ValidationError(
        `hypervolume: a point has ${p.length} objectives but the reference point has ${m}`,
        { path: 'reference' },
      );
    }
  }
  const inside = points.filter((p) => {
    for (let j = 0; j < m; j++) if (!(p[j]! < reference[j]!)) return false;
    return true;
  });
  if (inside.length === 0 || m === 0) return 0;
  // The 2-D and 3-D sweeps skip dominated points and duplicates themselves; WFG needs
  // a non-dominated set (and its O(n²) filter would dominate the sweeps' cost).
  return volume(m <= 3 ? inside : nondominated(inside), reference);
}

/** Hypervolume of points strictly inside the reference box (non-dominated when m >= 4). */
function volume(points: readonly Point[], reference: Point): number {
  const m = reference.length;
  if (points.length === 0) return 0;
  if (points.length === 1) return box(points[0]!, reference);
  if (m === 1) return reference[0]! - Math.min(...points.map((p) => p[0]!));
  if (m === 2) return hv2d(points, reference);
  if (m === 3) return hv3d(points, reference);
  return wfg(points, reference);
}

function box(p: Point, reference: Point): number {
  let v = 1;
  for (let j = 0; j < reference.length; j++) v *= reference[j]! - p[j]!;
  return v;
}

/** The non-dominated points without duplicates, in lexicographic order. */
function nondominated(points: readonly Point[]): Point[] {
  const sorted = [...points].sort(compareLex);
  const out: Point[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && compareLex(last, p) === 0) continue;
    if (!out.some((q) => dominates(q, p))) out.push(p);
  }
  return out;
}

/** 2-D: sorted by f1, each point adds the strip between its f2 and the best f2 before it. */
function hv2d(points: readonly Point[], reference: Point): number {
  const sorted = [...points].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let area = 0;
  let bound = reference[1]!;
  for (const p of sorted) {
    if (p[1]! < bound) {
      area += (reference[0]! - p[0]!) * (bound - p[1]!);
      bound = p[1]!;
    }
  }
  return area;
}

/**
 * 3-D: points by ascending f3; between one f3 level and the next, the dominated region
 * is the 2-D front (f1, f2) of the points seen so far times the slab's depth. The front
 * is kept sorted by f1 (so by descending f2) with its area updated on each insertion.
 */
function hv3d(points: readonly Point[], reference: Point): number {
  const sorted = [...points].sort((a, b) => a[2]! - b[2]! || compareLex(a, b));
  const r0 = reference[0]!;
  const r1 = reference[1]!;
  const xs: number[] = [];
  const ys: number[] = [];
  let area = 0;
  let total = 0;
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i]!;
    const x = p[0]!;
    const y = p[1]!;
    // First front member with f1 > x (binary search); the one before it has f1 <= x.
    let lo = 0;
    let hi = xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    const dominated = lo > 0 && ys[lo - 1]! <= y;
    if (!dominated) {
      // Members from `lo` on with f2 >= y are dominated by the new point and leave the front.
      let end = lo;
      while (end < xs.length && ys[end]! >= y) end++;
      // The area gained: along f1 from x, the old front's lower envelope steps down from
      // the predecessor's f2 (or the reference) through the leaving members' f2; the new
      // point adds the gap between that envelope and y, up to the next member that stays.
      let upper = lo > 0 ? ys[lo - 1]! : r1;
      let left = x;
      for (let k = lo; k < end; k++) {
        area += (xs[k]! - left) * (upper - y);
        left = xs[k]!;
        upper = ys[k]!;
      }
      area += ((end < xs.length ? xs[end]! : r0) - left) * (upper - y);
      xs.splice(lo, end - lo, x);
      ys.splice(lo, end - lo, y);
    }
    const nextLevel = i + 1 < sorted.length ? sorted[i + 1]![2]! : reference[2]!;
    total += area * (nextLevel - p[2]!);
  }
  return total;
}

/** WFG for 4 or more objectives (module comment). */
function wfg(points: readonly Point[], reference: Point): number {
  // Sorting by the first objective makes the later points' limited sets small.
  const sorted = [...points].sort(compareLex);
  let total = 0;
  for (let k = 0; k < sorted.length; k++) {
    total += exclusive(sorted[k]!, sorted, k + 1, reference);
  }
  return total;
}

/** The part of `p`'s box that none of points[from..] dominates. */
function exclusive(p: Point, points: readonly Point[], from: number, reference: Point): number {
  const m = reference.length;
  const limited: Point[] = [];
  for (let i = from; i < points.length; i++) {
    const q = points[i]!;
    const l = new Float64Array(m);
    for (let j = 0; j < m; j++) l[j] = Math.max(p[j]!, q[j]!);
    limited.push(l);
  }
  return box(p, reference) - volume(nondominated(limited), reference);
}
