// A writer process of the concurrency test: opens the store (maybe while others create
// it), starts a run and logs COUNT points of one metric, flushing every BATCH points.
import { Tracker } from '../../../src/tracking/tracker.ts';

const [dir, label, count, batch] = process.argv.slice(2);
const tracker = new Tracker({ dir: dir!, batchSize: Number(batch), flushIntervalMs: 60_000 });
const run = tracker.startRun({ experiment: 'concurrent', name: label!, tags: { writer: label! } });
run.logParams({ writer: label!, pid: process.pid });
for (let step = 0; step < Number(count); step++) run.logMetric('value', step * 0.5, step);
run.end();
tracker.close();
