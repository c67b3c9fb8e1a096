// The native histogram kernel's cost per feature-value beside the machine's roofline
// (issue 20). Two programs, measured interleaved (roofline, kernel, roofline, kernel...)
// and summarized by medians over the rounds, since the machine may be shared:
//
// - the roofline: benchmarks/roofline/streaming-adds.cc, compiled here with the system
//   g++ -O3 -march=native, the best case of the kernel's inner operation on one core
//   (read a uint8 bin, add the row's gradient pair into a 256-bin histogram) over
//   column-major bins, best of its repetitions, plus the streaming read bandwidth (and
//   the same adds with a third, count, slot per bin as the learner has, and the learner's
//   exact operation in isolation: 32-byte slots (g, h, count, 0) added as one vector, 256
//   per feature indexed by the bin value, to show what its choices cost; and the root's:
//   (g, h) pairs as one 16-byte vector, 5 features per pass, the counts known beforehand);
// - the learner: the native addon's growTree (native/src/tree_grow.cc) on one thread,
//   gradient mode, with minSamplesSplit above the row count so that the tree stops at the
//   root after building its histograms. The time is of the whole call; the marginal cost,
//   (time with 20 features - time with 4) / (16 x rows), removes what does not grow with
//   the features (argument checks, the row list copy, the node totals), leaving the
//   histogram passes. "root" uses every row (rows read in order); "node" grows on a seeded
//   half of the rows, as a child node does (gradient pairs gathered, bins read by row index).
//
// `node --import tsx benchmarks/histogram-roofline.ts [rounds]` or
// `npm run bench -- histogram-roofline`; writes benchmarks/results/histogram-roofline.json.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GrowData, GrowParams } from '../src/compute/kernels/trees/index.ts';
import { growTree } from '../src/compute/kernels/trees/index.ts';
import { nativeStatus } from '../src/compute/native/load.ts';
import { mulberry32, UINT32_RANGE } from '../src/compute/rng.ts';
import { median as medianOf } from '../src/metrics/order.ts';
import { markdown, recordResults } from './lib/record.ts';

const ROWS = 1_000_000;
const FEATURES = 20;
/** The smaller feature count of the marginal cost: one group of the kernel's 4 features per pass. */
const FEW = 4;
const ROUNDS = Number(process.argv[2] ?? 7);
const KERNEL_REPS = 3;
const ROOFLINE_REPS = 3;

/** What one run of streaming-adds prints. */
interface Roofline {
  nsPerFeatureValue: {
    onePerPass: number;
    fourPerPass: number;
    fourPerPassWithCount: number;
    learnerOperation: number;
    pairsFivePerPass: number;
  };
  readBandwidthGBs: number;
  bytesPerFeatureValue: { onePerPass: number; fourPerPass: number; readOnce: number };
  memoryBoundNs: { onePerPass: number; fourPerPass: number; readOnce: number };
}

const status = nativeStatus();
if (!status.available) {
  console.error(`histogram-roofline: the native addon is not built (${status.reason})`);
  process.exit(1);
}

const source = fileURLToPath(new URL('./roofline/streaming-adds.cc', import.meta.url));
const buildDir = mkdtempSync(join(tmpdir(), 'mlsweep-roofline-'));
const binary = join(buildDir, 'streaming-adds');
const flags = ['-O3', '-march=native', '-std=c++17'];
execFileSync('g++', [...flags, '-o', binary, source]);
const compiler = execFileSync('g++', ['--version'], { encoding: 'utf8' }).split('\n')[0];

const allFeatures = Int32Array.from({ length: FEATURES }, (_, i) => i);
const fewFeatures = allFeatures.subarray(0, FEW);
const data = syntheticBins(ROWS, FEATURES, 20260);
const half = seededHalf(ROWS, 7);
const params: GrowParams = {
  mode: 0,
  nClasses: 1,
  maxDepth: 0,
  maxLeaves: 0,
  minSamplesSplit: ROWS + 1, // the root is not split: its histograms are the work
  minSamplesLeaf: 1,
  minChildWeight: 0,
  minGain: 0,
  lambdaL1: 0,
  lambdaL2: 1,
  maxFeatures: FEATURES,
  randomSplits: false,
  seed: 1,
};

/** The 1-minute load average before and after: the figures are only as quiet as the machine. */
const loadBefore = loadavg()[0];
const samples = { roofline: [] as Roofline[], root: [] as Kernel[], node: [] as Kernel[] };
for (let round = 0; round < ROUNDS; round++) {
  samples.roofline.push(
    JSON.parse(
      execFileSync(binary, [String(ROWS), String(FEATURES), String(ROOFLINE_REPS)], { encoding: 'utf8' }),
    ),
  );
  samples.root.push(kernel(data.rows));
  samples.node.push(kernel(half));
  process.stdout.write(`round ${round + 1}/${ROUNDS}\n`);
}
rmSync(buildDir, { recursive: true, force: true });

const roofline = {
  onePerPass: median(samples.roofline.map((r) => r.nsPerFeatureValue.onePerPass)),
  fourPerPass: median(samples.roofline.map((r) => r.nsPerFeatureValue.fourPerPass)),
  fourPerPassWithCount: median(samples.roofline.map((r) => r.nsPerFeatureValue.fourPerPassWithCount)),
  learnerOperation: median(samples.roofline.map((r) => r.nsPerFeatureValue.learnerOperation)),
  pairsFivePerPass: median(samples.roofline.map((r) => r.nsPerFeatureValue.pairsFivePerPass)),
  readBandwidthGBs: median(samples.roofline.map((r) => r.readBandwidthGBs)),
  bytesPerFeatureValue: samples.roofline[0]?.bytesPerFeatureValue,
  memoryBoundNs: {
    onePerPass: median(samples.roofline.map((r) => r.memoryBoundNs.onePerPass)),
    fourPerPass: median(samples.roofline.map((r) => r.memoryBoundNs.fourPerPass)),
    readOnce: median(samples.roofline.map((r) => r.memoryBoundNs.readOnce)),
  },
};
const best = Math.min(roofline.onePerPass, roofline.fourPerPass, roofline.pairsFivePerPass);
const summarize = (ks: Kernel[]) => {
  const whole = median(ks.map((k) => k.wholeNs));
  const marginal = median(ks.map((k) => k.marginalNs));
  const fixedMs = median(ks.map((k) => k.fixedMs));
  return { wholeNs: whole, marginalNs: marginal, fixedMs, ratioToRoofline: marginal / best };
};
const results = {
  rows: ROWS,
  features: FEATURES,
  rounds: ROUNDS,
  threads: 1,
  loadAverage1m: { before: loadBefore, after: loadavg()[0] },
  roofline: { ...roofline, bestNs: best, compiler, flags: flags.join(' ') },
  kernel: { root: summarize(samples.root), node: summarize(samples.node) },
  samples,
};
const f = (x: number) => x.toFixed(3);
recordResults(
  'histogram-roofline',
  results,
  markdown(
    ['measured (1e6 rows x 20 features, one thread, median of rounds)', 'ns per feature-value', 'x roofline'],
    [
      [
        'roofline: streaming adds, 1 feature per pass (g++ -O3 -march=native)',
        f(roofline.onePerPass),
        f(roofline.onePerPass / best),
      ],
      [
        'roofline: streaming adds, 4 features per pass',
        f(roofline.fourPerPass),
        f(roofline.fourPerPass / best),
      ],
      [
        "roofline: streaming adds, (g, h) as one 16-byte vector, 5 features per pass (the root's operation)",
        f(roofline.pairsFivePerPass),
        f(roofline.pairsFivePerPass / best),
      ],
      [
        'streaming adds, 4 per pass, with a count slot as the learner has',
        f(roofline.fourPerPassWithCount),
        f(roofline.fourPerPassWithCount / best),
      ],
      [
        "the learner's operation in isolation (g, h from two arrays, (g, h, count, 0) slots added as one vector)",
        f(roofline.learnerOperation),
        f(roofline.learnerOperation / best),
      ],
      [
        `memory bound, every byte read once (${f(roofline.readBandwidthGBs)} GB/s)`,
        f(roofline.memoryBoundNs.readOnce),
        f(roofline.memoryBoundNs.readOnce / best),
      ],
      [
        'native kernel, root (all rows), marginal per feature',
        f(results.kernel.root.marginalNs),
        f(results.kernel.root.ratioToRoofline),
      ],
      [
        `native kernel, root, whole call / (rows x 20) (${f(results.kernel.root.fixedMs)} ms not per feature)`,
        f(results.kernel.root.wholeNs),
        f(results.kernel.root.wholeNs / best),
      ],
      [
        'native kernel, node of half the rows, marginal per feature',
        f(results.kernel.node.marginalNs),
        f(results.kernel.node.ratioToRoofline),
      ],
    ],
  ),
);

/** One kernel sample: ns per feature-value of the whole call (20 features) and the marginal one. */
interface Kernel {
  wholeNs: number;
  marginalNs: number;
  /** The call's time that does not grow with the features (ms): whole - marginal x cells. */
  fixedMs: number;
}

function kernel(rows: Int32Array): Kernel {
  const all = bestMs({ ...data, rows, features: allFeatures });
  const few = bestMs({ ...data, rows, features: fewFeatures });
  const n = rows.length;
  const marginalNs = ((all - few) * 1e6) / (n * (FEATURES - FEW));
  return {
    wholeNs: (all * 1e6) / (n * FEATURES),
    marginalNs,
    fixedMs: all - (marginalNs * n * FEATURES) / 1e6,
  };
}

function bestMs(d: GrowData): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < KERNEL_REPS; i++) {
    const start = performance.now();
    growTree('native', d, params, 1, false);
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** Uniform bins 0..254 (255 would be the missing bin), seeded gradients and hessians. */
function syntheticBins(nRows: number, nCols: number, seed: number): GrowData {
  const next = uniform(seed);
  const bins = new Uint8Array(nRows * nCols);
  for (let i = 0; i < bins.length; i++) bins[i] = Math.floor(next() * 255);
  const grad = Float64Array.from({ length: nRows }, () => next() - 0.5);
  const hess = Float64Array.from({ length: nRows }, () => 0.5 + next());
  return {
    bins,
    nRows,
    nCols,
    nBins: new Int32Array(nCols).fill(255),
    categorical: new Uint8Array(nCols),
    grad,
    hess,
    label: new Int32Array(0),
    rows: Int32Array.from({ length: nRows }, (_, i) => i),
    features: allFeatures,
  };
}

/** About half of 0..n-1, ascending, drawn with a seed: the rows of a child node. */
function seededHalf(n: number, seed: number): Int32Array {
  const next = uniform(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (next() < 0.5) out.push(i);
  return Int32Array.from(out);
}

/** Median of a sample list, as numpy's. */
function median(xs: number[]): number {
  return medianOf(Float64Array.from(xs));
}

/** Seeded doubles in [0, 1). */
function uniform(seed: number): () => number {
  const draw = mulberry32(seed);
  return () => draw() / UINT32_RANGE;
}
