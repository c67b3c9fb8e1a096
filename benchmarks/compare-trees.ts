// Times the hot paths a restructuring can slow down (engine overhead, binning, each tree
// learner, logistic regression, k-NN, the metric suite) for one source tree, so that two
// checkouts can be compared in one session, run alternately:
//   git worktree add /tmp/old <rev> && ln -s $PWD/node_modules /tmp/old/ && cp -r native/build /tmp/old/native/
//   for i in 1 2 3; do for t in /tmp/old $PWD; do REPS=3 node --import tsx benchmarks/compare-trees.ts $t; done; done
// Prints one JSON line {name: ms}, the best of REPS runs. It uses only names that
// src/index.ts exported before and after issue 17. Results of the issue-17 check:
// benchmarks/results/restructure-issue17.json.
import { mulberry32 } from '../src/compute/rng.ts';

const root = process.argv[2]!;

const m = await import(`${root}/src/index.ts`);
const which = process.argv[3] ?? 'all';

/** Uniform numbers in [0, 1) from the project's seeded generator (the same data for both trees). */
function rng(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

function data(n: number, p: number, seed: number) {
  const r = rng(seed);
  const X = new Float64Array(n * p);
  for (let i = 0; i < X.length; i++) X[i] = r() * 2 - 1;
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < 5; j++) s += X[j * n + i]! * (j + 1);
    y.push(s + (r() - 0.5) > 0 ? 1 : 0);
  }
  return { X: m.columnMatrix(X, n, p), y };
}
const REPS = Number(process.env.REPS ?? 1);
async function time(fn: () => unknown | Promise<unknown>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}
const out: Record<string, number> = {};
if (which === 'all' || which === 'engine') {
  const space = m.searchSpace({
    x: 'uniform(-10, 10)',
    lr: 'loguniform(-9, -2)',
    kind: 'choice("a", "b", "c")',
  });
  const run = () =>
    m.sweep({
      sampler: new m.RandomSampler(space, { seed: 1 }),
      objective: { goal: 'minimize', primaryMetric: 'y' },
      limits: { maxTotalTrials: 10000, maxConcurrentTrials: 1 },
      trial: (p: Record<string, number>) => Number(p.x) ** 2,
    });
  await run();
  out.engine_ms_per_trial = Math.min(await time(run), await time(run)) / 10000;
}
if (which === 'all' || which === 'trees') {
  const { X, y } = data(100_000, 20, 1);
  const big = data(1_000_000, 20, 2);
  for (const backend of ['native', 'js']) {
    m.setBackend(backend);
    out[`binning_1e6x20_${backend}`] = Math.min(
      await time(() => m.binFeatures(big.X)),
      await time(() => m.binFeatures(big.X)),
    );
    out[`tree_100k_${backend}`] = await time(() =>
      new m.DecisionTreeClassifier({ seed: 0, backend }).fit(X, y),
    );
    out[`forest_20_100k_${backend}`] = await time(() =>
      new m.RandomForestClassifier({ nEstimators: 20, seed: 0, backend }).fit(X, y),
    );
    out[`boosting_100_100k_${backend}`] = await time(() =>
      new m.GradientBoostingClassifier({ nEstimators: 100, seed: 0, backend }).fit(X, y),
    );
    out[`logistic_100k_${backend}`] = await time(() => new m.LogisticRegression({ backend }).fit(X, y));
    const q = data(1000, 20, 3);
    const knn = new m.KNeighborsClassifier({ nNeighbors: 5, backend }).fit(X, y);
    out[`knn_1k_x_100k_${backend}`] = await time(() => knn.predict(q.X));
  }
  m.setBackend(undefined);
}
if (which === 'all' || which === 'metrics') {
  const r = rng(5);
  const n = 1_000_000;
  const yt = Array.from({ length: n }, () => (r() < 0.4 ? 1 : 0));
  const yp = yt.map((v) => (r() < 0.9 ? v : 1 - v));
  const sc = yt.map((v) => {
    const q = v * 0.6 + r() * 0.4;
    return [1 - q, q];
  });
  out.metrics_1e6 = Math.min(
    await time(() => m.classificationMetrics(yt, yp, { scores: sc })),
    await time(() => m.classificationMetrics(yt, yp, { scores: sc })),
  );
}
console.log(JSON.stringify(out));
