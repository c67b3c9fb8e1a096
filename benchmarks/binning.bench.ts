// Binning kernel, js vs native, on a 1e6 x 20 matrix (18 numeric columns, 2
// categorical, 1% missing): the step every tree learner starts with.
import { Bench } from 'tinybench';
import { defaultThreads } from '../src/compute/backend.ts';
import { nativeStatus } from '../src/compute/native/load.ts';
import { mulberry32 } from '../src/compute/rng.ts';
import { binFeatures, columnMatrix } from '../src/index.ts';
import { latency, markdown, ms, recordResults } from './lib/record.ts';

const nRows = 1_000_000;
const nCols = 20;
const categorical = [18, 19];
const next = mulberry32(7);
const data = new Float64Array(nRows * nCols);
for (let c = 0; c < nCols; c++) {
  for (let r = 0; r < nRows; r++) {
    const u = next() / 2 ** 32;
    data[c * nRows + r] =
      u < 0.01 ? Number.NaN : categorical.includes(c) ? Math.floor(u * 40) : Math.log(u) * (c + 1);
  }
}
const X = columnMatrix(data, nRows, nCols);

const bench = new Bench({ iterations: 5, warmupIterations: 1, time: 0 });
bench.add('js', () => {
  binFeatures(X, { backend: 'js', categorical });
});
const native = nativeStatus().available;
if (native) {
  bench.add('native, 1 thread', () => {
    binFeatures(X, { backend: 'native', categorical, nThreads: 1 });
  });
  bench.add(`native, ${defaultThreads()} threads`, () => {
    binFeatures(X, { backend: 'native', categorical });
  });
}
await bench.run();

const stats = bench.tasks.map((t) => ({ name: t.name, ...latency(t) }));
const jsMean = stats[0]!.mean;
recordResults(
  'binning',
  stats.map((s) => ({ name: s.name, meanMs: s.mean, minMs: s.min, speedupVsJs: jsMean / s.mean })),
  markdown(
    ['binning 1e6 x 20 (255 bins)', 'mean', 'min', 'speed-up vs js'],
    stats.map((s) => [s.name, ms(s.mean), ms(s.min), `${(jsMean / s.mean).toFixed(1)}x`]),
  ),
);
