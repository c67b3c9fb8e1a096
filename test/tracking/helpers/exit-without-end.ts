// Logs points and exits without flushing or ending the run: the tracker's exit hook must
// write the waiting points. Prints the run id.
import { Tracker } from '../../../src/tracking/tracker.ts';

const tracker = new Tracker({ dir: process.argv[2]!, batchSize: 10_000, flushIntervalMs: 60_000 });
const run = tracker.startRun({ experiment: 'exit' });
for (let i = 0; i < 250; i++) run.logMetric('loss', 1 / (i + 1));
process.stdout.write(run.id);
process.exit(0);
