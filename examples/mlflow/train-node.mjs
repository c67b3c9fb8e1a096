// A trial script that logs the way the MLflow client does, over the REST API, with no
// dependency: mlsweep gives it MLFLOW_TRACKING_URI, MLFLOW_EXPERIMENT_ID and MLFLOW_RUN_ID
// (its own run), and the sweep ranks it by what it logs.
//   node train-node.mjs --lr 0.1 [--epochs 8] [--delay-ms 40]
// The calls, in the MLflow client's order: GET runs/get and POST runs/update to RUNNING
// (start_run with MLFLOW_RUN_ID), POST runs/log-batch (params, then one batch per epoch, as autologging does), POST
// runs/set-tag, PUT mlflow-artifacts (log_artifact), POST runs/update (end_run).
import { argv, env, exit } from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';

const args = Object.fromEntries(
  argv
    .slice(2)
    .flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1]]] : []))
    .map(([k, v]) => [k, v]),
);
const lr = Number(args.lr ?? 0.1);
const epochs = Number(args.epochs ?? 8);
const delayMs = Number(args['delay-ms'] ?? 40);
const uri = env.MLFLOW_TRACKING_URI;
const runId = env.MLFLOW_RUN_ID;
if (!uri || !runId) {
  console.error('MLFLOW_TRACKING_URI and MLFLOW_RUN_ID must be set (mlsweep sets them for its trials)');
  exit(2);
}
const api = `${uri.replace(/\/$/, '')}/api/2.0/mlflow`;
const headers = env.MLFLOW_TRACKING_TOKEN ? { authorization: `Bearer ${env.MLFLOW_TRACKING_TOKEN}` } : {};

async function call(method, path, body) {
  const response = await fetch(`${api}/${path}`, {
    method,
    headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

// start_run() with MLFLOW_RUN_ID: read the run, then mark it RUNNING (runs/update).
const { run } = await call('GET', `runs/get?run_id=${encodeURIComponent(runId)}`);
await call('POST', 'runs/update', { run_id: runId, run_uuid: runId, status: 'RUNNING' });
const now = () => Date.now();
await call('POST', 'runs/log-batch', {
  run_id: runId,
  params: [
    // As the sweep passed it: mlsweep recorded it on the run already, and a param logged
    // again must have the same value (MLflow's rule).
    { key: 'lr', value: String(args.lr ?? lr) },
    { key: 'epochs', value: String(epochs) },
  ],
});
let loss = 1;
for (let step = 0; step < epochs; step++) {
  // A loss that falls with the epochs, to a floor set by how far lr is from 0.1.
  loss = (lr - 0.1) ** 2 + 1 / (step + 2);
  await call('POST', 'runs/log-batch', {
    run_id: runId,
    metrics: [
      { key: 'loss', value: loss, timestamp: now(), step },
      { key: 'accuracy', value: 1 - loss / 2, timestamp: now(), step },
    ],
  });
  await sleep(delayMs);
}
await call('POST', 'runs/set-tag', { run_id: runId, key: 'framework', value: 'node' });

// log_artifact: the run's artifact_uri is mlflow-artifacts:/<path>; the file goes to
// /api/2.0/mlflow-artifacts/artifacts/<path>/<name>.
const artifactUri = run.info.artifact_uri ?? '';
const base = artifactUri.startsWith('mlflow-artifacts:')
  ? artifactUri.replace(/^mlflow-artifacts:\/*/, '')
  : `${run.info.experiment_id}/${runId}/artifacts`;
const upload = await fetch(
  `${uri.replace(/\/$/, '')}/api/2.0/mlflow-artifacts/artifacts/${base}/model.json`,
  {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ lr, epochs, loss }),
  },
);
if (!upload.ok) throw new Error(`artifact upload: ${upload.status} ${await upload.text()}`);
await call('POST', 'runs/update', { run_id: runId, run_uuid: runId, status: 'FINISHED', end_time: now() });
console.log(`done: loss ${loss}`);
