import type { DenseTarget } from '../../target.ts';
import type { CoordinateDescentArgs } from '../args.ts';
import type { CdResult } from '../contract.ts';

/**
 * scikit-learn's `enet_coordinate_descent` (cd_fast.pyx) in TypeScript, as
 * native/src/linear_kernels.cc: minimizes 0.5 ||y - Xw||² + alpha ||w||_1 + 0.5 beta ||w||²
 * over w (updated in place, so a previous solution is a warm start), sweeping features
 * cyclically; once the largest update relative to the largest weight falls below tol, it
 * checks the duality gap against tol · ||y||².
 *
 * @example
 * const w = new Float64Array(p);
 * const { nIter, gap } = enetCoordinateDescent({ backend: 'js' }, X, n, p, y, w, 0.1 * n, 0, 1000, 1e-4);
 */
export function enetCoordinateDescent(_t: DenseTarget, ...args: CoordinateDescentArgs): CdResult {
  const [X, n, p, y, w, alpha, beta, maxIter, tol] = args;
  const norm = new Float64Array(p);
  const R = Float64Array.from(y);
  for (let j = 0; j < p; j++) {
    const o = j * n;
    let s = 0;
    for (let i = 0; i < n; i++) s += X[o + i]! * X[o + i]!;
    norm[j] = s;
    const wj = w[j]!;
    if (wj !== 0) for (let i = 0; i < n; i++) R[i]! -= wj * X[o + i]!;
  }
  let yy = 0;
  for (let i = 0; i < n; i++) yy += y[i]! * y[i]!;
  const gapTol = tol * yy;
  let result: CdResult = { nIter: maxIter, gap: Number.POSITIVE_INFINITY };
  for (let iter = 0; iter < maxIter; iter++) {
    let wMax = 0;
    let dwMax = 0;
    for (let j = 0; j < p; j++) {
      if (norm[j] === 0) continue;
      const o = j * n;
      const old = w[j]!;
      if (old !== 0) for (let i = 0; i < n; i++) R[i]! += old * X[o + i]!;
      let t = 0;
      for (let i = 0; i < n; i++) t += X[o + i]! * R[i]!;
      const mag = Math.max(Math.abs(t) - alpha, 0);
      const wj = (t < 0 ? -mag : mag) / (norm[j]! + beta);
      w[j] = wj;
      if (wj !== 0) for (let i = 0; i < n; i++) R[i]! -= wj * X[o + i]!;
      dwMax = Math.max(dwMax, Math.abs(wj - old));
      wMax = Math.max(wMax, Math.abs(wj));
    }
    if (wMax === 0 || dwMax / wMax < tol || iter === maxIter - 1) {
      const gap = dualityGap(args, R);
      result = { nIter: iter + 1, gap };
      if (gap < gapTol) break;
    }
  }
  return result;
}

/** The duality gap of the elastic-net problem at w, whose residuals y - Xw are R. */
function dualityGap(args: CoordinateDescentArgs, R: Float64Array): number {
  const [X, n, p, y, w, alpha, beta] = args;
  let dualNorm = 0;
  let wNorm2 = 0;
  let l1 = 0;
  for (let j = 0; j < p; j++) {
    const o = j * n;
    let s = 0;
    for (let i = 0; i < n; i++) s += X[o + i]! * R[i]!;
    dualNorm = Math.max(dualNorm, Math.abs(s - beta * w[j]!));
    wNorm2 += w[j]! * w[j]!;
    l1 += Math.abs(w[j]!);
  }
  let rNorm2 = 0;
  let ry = 0;
  for (let i = 0; i < n; i++) {
    rNorm2 += R[i]! * R[i]!;
    ry += R[i]! * y[i]!;
  }
  let c = 1;
  let gap: number;
  if (dualNorm > alpha) {
    c = alpha / dualNorm;
    gap = 0.5 * (rNorm2 + rNorm2 * c * c);
  } else {
    gap = rNorm2;
  }
  return gap + alpha * l1 - c * ry + 0.5 * beta * (1 + c * c) * wNorm2;
}
