// A small store the studio's tests open: experiment `iris` with 30 seeded runs (params lr,
// depth, kind; metrics acc and loss at steps 0..4), one with artifacts (a log, a nested
// file), a dataset input and a registered model; and an empty experiment `empty`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { ModelRegistry } from '../../../src/registry/model-registry.ts';
import type { SqliteStore } from '../../../src/tracking/sqlite-store.ts';

/** How many runs `iris` holds. */
export const SAMPLE_RUNS = 30;

/** What the tests look for in the sample store. */
export interface SampleStore {
  /** Run ids in creation order (run-00 first). */
  readonly runIds: string[];
  /** The run with artifacts, a dataset input and a registered model. */
  readonly richRun: string;
  /** The id of experiment `iris`. */
  readonly irisId: number;
}

/**
 * Fills `store` with the sample (start times 1,000 ms apart from a fixed epoch).
 *
 * @example
 * const sample = fillSampleStore(store);
 */
export function fillSampleStore(store: SqliteStore, scratch: string): SampleStore {
  const random = seedrandom('studio-sample');
  const start = Date.UTC(2026, 0, 1);
  const runIds: string[] = [];
  store.createExperiment('empty');
  store.write(() => {
    for (let i = 0; i < SAMPLE_RUNS; i++) {
      const run = store.createRun({
        experiment: 'iris',
        name: `run-${String(i).padStart(2, '0')}`,
        startTime: start + i * 1000,
      });
      runIds.push(run.id);
      const lr = Number((0.001 + random() * 0.1).toFixed(4));
      const depth = 1 + (i % 6);
      store.logParams(run.id, { lr, depth, kind: i % 3 === 0 ? 'gb' : 'rf' });
      store.logMetrics(
        run.id,
        [0, 1, 2, 3, 4].flatMap((step) => [
          {
            key: 'acc',
            value: 0.5 + depth * 0.05 + step * 0.01 + random() * 0.01,
            step,
            timestamp: start + step,
          },
          { key: 'loss', value: 1 - step * 0.1 - random() * 0.05, step, timestamp: start + step },
        ]),
      );
      store.setTags(run.id, { team: i % 2 === 0 ? 'red' : 'blue' });
      store.setRunStatus(run.id, 'FINISHED', start + i * 1000 + 500);
    }
  });
  const richRun = runIds[7]!;
  const files = join(scratch, 'artifacts-src');
  mkdirSync(join(files, 'model'), { recursive: true });
  writeFileSync(join(files, 'train.log'), 'epoch 1 loss 0.9\nepoch 2 loss 0.5\ndone\n');
  writeFileSync(join(files, 'model', 'model.json'), '{"kind":"rf"}\n');
  store.logArtifact(richRun, join(files, 'train.log'));
  store.logArtifact(richRun, join(files, 'model', 'model.json'), 'model');
  store.logInputs(richRun, [
    {
      name: 'iris-train',
      digest: 'abc123def4567890',
      sourceType: 'local',
      source: '{"uri":"data/iris.csv"}',
      tags: { 'mlflow.data.context': 'training' },
    },
  ]);
  const registry = new ModelRegistry({ store });
  registry.register('iris-rf', { runId: richRun, artifactPath: 'model/model.json' });
  return { runIds, richRun, irisId: store.experiment('iris').id };
}
