// The median of several runs of benchmarks/serve.bench.ts, recorded as
// benchmarks/results/serve.json: each run's serve.json is copied aside, then
//   node --import tsx benchmarks/serve-median.ts run-1.json run-2.json run-3.json
// On the shared 2-core machine, other jobs move single runs by tens of percent; the median
// of three (each scenario and each figure separately) is what the README quotes, with
// every run's figures and load average kept beside it.
import { readFileSync } from 'node:fs';
import { recordResults } from './lib/record.ts';
import {
  collectionTable,
  median,
  type CollectionPair as Pair,
  type ServeRow as Row,
  type CollectionSide as Side,
  servingTable,
} from './lib/serve-tables.ts';

interface Run {
  machine: { date: string; commit?: string };
  results: {
    loadAverage: { before: number[]; after: number[] };
    rows: Row[];
    dataCollection: {
      pairs: Pair[];
      requests: number;
      inputLines: number;
      outputLines: number;
      partialFiles: number;
    };
  };
}

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: node --import tsx benchmarks/serve-median.ts RUN.json [RUN.json ...]\n');
  process.exit(2);
}
const runs = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Run);

const round = (x: number, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;
const of = <T>(pick: (run: Run) => T | undefined): T[] =>
  runs.map(pick).filter((x): x is T => x !== undefined && x !== null);

const rows: Row[] = runs[0]!.results.rows.map((first, i) => {
  const each = of((r) => r.results.rows[i]);
  const m = (pick: (row: Row) => number | undefined) =>
    median(each.map(pick).filter((x): x is number => x !== undefined));
  return {
    ...first,
    requestsPerSecond: round(m((r) => r.requestsPerSecond)),
    p50Ms: m((r) => r.p50Ms),
    p99Ms: m((r) => r.p99Ms),
    rowsPerSecond: round(m((r) => r.rowsPerSecond)),
    ...(first.inProcessRowsPerSecond !== undefined
      ? {
          inProcessRowsPerSecond: round(m((r) => r.inProcessRowsPerSecond)),
          ratio: round(
            m((r) => r.ratio),
            2,
          ),
        }
      : {}),
  };
});

const pairs = runs[0]!.results.dataCollection.pairs.map((first, i) => {
  const each = of((r) => r.results.dataCollection.pairs[i]);
  const side = (pick: (p: Pair) => Side): Side => ({
    requestsPerSecond: round(median(each.map((p) => pick(p).requestsPerSecond))),
    p50Ms: median(each.map((p) => pick(p).p50Ms)),
    p99Ms: median(each.map((p) => pick(p).p99Ms)),
    cpuUsPerRequest: round(median(each.map((p) => pick(p).cpuUsPerRequest ?? Number.NaN))),
    mainCpuUsPerRequest: round(median(each.map((p) => pick(p).mainCpuUsPerRequest ?? Number.NaN))),
  });
  const cpu = each.map((p) => p.cpuSlowdown).filter((x): x is number => x !== null);
  return {
    rowsPerRequest: first.rowsPerRequest,
    workers: first.workers,
    connections: first.connections,
    seconds: first.seconds,
    without: side((p) => p.without),
    with: side((p) => p.with),
    slowdown: round(median(each.map((p) => p.slowdown)), 3),
    runSlowdowns: each.map((p) => p.slowdown),
    cpuSlowdown: cpu.length > 0 ? round(median(cpu), 3) : null,
    runCpuSlowdowns: cpu,
  };
});

const collected = {
  requests: runs.reduce((a, r) => a + r.results.dataCollection.requests, 0),
  inputLines: runs.reduce((a, r) => a + r.results.dataCollection.inputLines, 0),
  outputLines: runs.reduce((a, r) => a + r.results.dataCollection.outputLines, 0),
  partialFiles: runs.reduce((a, r) => a + r.results.dataCollection.partialFiles, 0),
};

const table = `${servingTable(rows)}\n\n${collectionTable(
  pairs,
  `${runs.length} runs`,
  (p) => p.runSlowdowns,
  (p) => p.runCpuSlowdowns,
)}\n\ndata collection: ${collected.inputLines.toLocaleString('en-US')} model_inputs and ${collected.outputLines.toLocaleString('en-US')} model_outputs lines written for ${collected.requests.toLocaleString('en-US')} requests answered over ${runs.length} runs (${collected.partialFiles} unfinished parts)`;

recordResults(
  'serve',
  {
    repetitions: runs.length,
    // the machine's load average around each run: other jobs on the same cores lower every figure
    runs: runs.map((r) => ({
      date: r.machine.date,
      commit: r.machine.commit,
      loadAverage: r.results.loadAverage,
      rows: r.results.rows,
      dataCollection: r.results.dataCollection,
    })),
    rows,
    dataCollection: { pairs, ...collected },
  },
  table,
);
