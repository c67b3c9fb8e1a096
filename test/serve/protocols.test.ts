// The three protocols of `mlsweep serve` on a real server (port 0, 127.0.0.1, fetch):
// Azure's /score, MLflow's /invocations (+ /ping, /health, /version), the Open Inference
// Protocol's /v2; probabilities in each; every error code with its protocol's body;
// request ids; Prometheus metrics.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { AutoMLPipeline } from '../../src/automl/pipeline.ts';
import { Table } from '../../src/data/table.ts';
import { singleModelConfig } from '../../src/serve/single.ts';
import { get, post, saveModel, startServer, tempDir } from './helpers.ts';

const dir = tempDir('protocols');
const classifier = saveModel(dir, 'classification');
const regressor = saveModel(dir, 'regression');
const COLUMNS = ['x1', 'x2', 'city'];
const ROWS = [
  [0.9, 0.8, 'Paris'],
  [0.1, 0.2, 'Nice'],
  [0.6, 0.3, 'Lyon'],
];

/** What the pipeline itself predicts for ROWS: labels and probabilities. */
function expected(file: string): { labels: unknown[]; proba: number[][] } {
  const pipeline = AutoMLPipeline.load(file);
  const table = new Table([
    { name: 'x1', kind: 'numeric', values: Float64Array.from(ROWS, (r) => r[0] as number) },
    { name: 'x2', kind: 'numeric', values: Float64Array.from(ROWS, (r) => r[1] as number) },
    { name: 'city', kind: 'categorical', values: ROWS.map((r) => r[2] as string) },
  ]);
  const labels = Array.from(pipeline.predict(table) as ArrayLike<unknown>);
  return { labels, proba: pipeline.task === 'classification' ? pipeline.predictProba(table) : [] };
}

let base = '';
let regressionBase = '';
const want = expected(classifier);
const wantRegression = expected(regressor);

before(async () => {
  ({ base } = await startServer({
    config: singleModelConfig({
      modelFile: classifier,
      name: 'clf',
      requestSettings: { maxBodyBytes: 4096 },
    }),
  }));
  ({ base: regressionBase } = await startServer({
    config: singleModelConfig({ modelFile: regressor, name: 'reg' }),
  }));
});

describe('Azure /score', () => {
  it('input_data {columns, index, data}: a JSON array of labels; the header names the deployment', async () => {
    const r = await post(`${base}/score`, { input_data: { columns: COLUMNS, index: [0, 1, 2], data: ROWS } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, want.labels);
    assert.equal(r.headers.get('azureml-model-deployment'), 'default');
    assert.match(r.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  it('the older {"data": rows} (schema order) and {"data": records}; columns in another order', async () => {
    assert.deepEqual((await post(`${base}/score`, { data: ROWS })).body, want.labels);
    const records = ROWS.map(([x1, x2, city]) => ({ city, x2, x1, extra: 'ignored' }));
    assert.deepEqual((await post(`${base}/score`, { data: records })).body, want.labels);
    const reordered = {
      input_data: { columns: ['city', 'x1', 'x2'], data: ROWS.map(([a, b, c]) => [c, a, b]) },
    };
    assert.deepEqual((await post(`${base}/score`, reordered)).body, want.labels);
  });

  it('probabilities with ?proba=true or params.predict_proba: one object per row, by class', async () => {
    const byQuery = await post(`${base}/score?proba=true`, { data: ROWS });
    const byParams = await post(`${base}/score`, {
      input_data: { columns: COLUMNS, data: ROWS },
      params: { predict_proba: true },
    });
    const rows = want.proba.map((p) => ({ no: p[0], yes: p[1] }));
    assert.deepEqual(byQuery.body, rows);
    assert.deepEqual(byParams.body, rows);
  });

  it('the same path under /endpoints/{name}; an unknown endpoint is 404', async () => {
    assert.deepEqual((await post(`${base}/endpoints/clf/score`, { data: ROWS })).body, want.labels);
    const r = await post(`${base}/endpoints/nope/score`, { data: ROWS });
    assert.equal(r.status, 404);
    assert.match(r.body.error, /no endpoint named 'nope'; the endpoints are clf/);
  });

  it('a regression answers values; asking it for probabilities is 400', async () => {
    assert.deepEqual((await post(`${regressionBase}/score`, { data: ROWS })).body, wantRegression.labels);
    const r = await post(`${regressionBase}/score?proba=true`, { data: ROWS });
    assert.equal(r.status, 400);
    assert.match(r.body.error, /regression model: it has no class probabilities/);
  });

  it('a caller request id is echoed; a hostile one is replaced', async () => {
    const r = await post(`${base}/score`, { data: ROWS }, { 'x-request-id': 'abc-123' });
    assert.equal(r.headers.get('x-request-id'), 'abc-123');
    const bad = await post(`${base}/score`, { data: ROWS }, { 'x-request-id': 'a b"<script>' });
    assert.notEqual(bad.headers.get('x-request-id'), 'a b"<script>');
  });
});

describe('input checks: 400 naming the column and the row', () => {
  const cases: Array<[string, unknown, RegExp, { column?: string; row?: number }]> = [
    [
      'a missing column',
      { input_data: { columns: ['x1', 'city'], data: [[1, 'Paris']] } },
      /lacks the column 'x2'/,
      { column: 'x2' },
    ],
    [
      'a string in a numeric column',
      { data: [ROWS[0], [0.1, 'high', 'Nice']] },
      /column 'x2', row 1: expected a number, got "high"/,
      { column: 'x2', row: 1 },
    ],
    [
      'an unknown category',
      { data: [[0.1, 0.2, 'Rome']] },
      /column 'city', row 0: the category "Rome" was not seen in training \(known: "Lyon", "Nice", "Paris"\)/,
      { column: 'city', row: 0 },
    ],
    [
      'a row of the wrong length',
      { data: [ROWS[0], [0.1, 0.2]] },
      /row 1 has 2 values, but there are 3 columns/,
      { row: 1 },
    ],
    [
      'an object instead of a row',
      { data: [ROWS[0], 'x'] },
      /row 1: expected a list of 3 values/,
      { row: 1 },
    ],
    ['neither input_data nor data', { rows: [] }, /neither input_data nor data/, {}],
    ['a list as the body', [1, 2], /must be a JSON object/, {}],
  ];
  for (const [what, body, message, where] of cases) {
    it(what, async () => {
      const r = await post(`${base}/score`, body);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.match(r.body.error, message);
      if (where.column !== undefined) assert.equal(r.body.column, where.column);
      if (where.row !== undefined) assert.equal(r.body.row, where.row);
    });
  }

  it("unknownCategories: 'accept' scores an unseen level as the featurizer encodes it", async () => {
    const { base: accepting } = await startServer({
      config: singleModelConfig({ modelFile: classifier, name: 'loose' }),
      unknownCategories: 'accept',
    });
    const r = await post(`${accepting}/score`, { data: [[0.9, 0.8, 'Rome']] });
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 1);
    assert.equal(
      (await post(`${accepting}/score`, { data: [[0.9, 'high', 'Rome']] })).status,
      400,
      'types still checked',
    );
  });

  it('null and missing cells are missing values (imputed), not errors', async () => {
    const r = await post(`${base}/score`, {
      data: [
        { x1: null, city: 'Paris', x2: 0.5 },
        { x1: 0.5, x2: 0.5 },
      ],
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 2);
  });

  it('malformed JSON is 400; a body over max_body_bytes is 413; CSV on /score is 415', async () => {
    const malformed = await post(`${base}/score`, '{"data": [[1, 2,');
    assert.equal(malformed.status, 400);
    assert.ok(typeof malformed.body.error === 'string');
    const large = await post(`${base}/score`, { data: Array.from({ length: 400 }, () => ROWS[0]) });
    assert.equal(large.status, 413);
    assert.match(
      large.body.error,
      /the body has \d+ bytes; deployment 'default' takes at most 4096 \(request_settings\.max_body_bytes\)/,
    );
    const csv = await post(`${base}/score`, 'x1,x2,city\n1,2,Paris\n', { 'content-type': 'text/csv' });
    assert.equal(csv.status, 415);
  });

  it('a wrong method is 405 with Allow; an unknown path is 404', async () => {
    const r = await get(`${base}/score`);
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('allow'), 'POST');
    const missing = await get(`${base}/nothing/here`);
    assert.equal(missing.status, 404);
  });
});

describe('MLflow /invocations', () => {
  const url = () => `${base}/invocations`;
  it('dataframe_split, dataframe_records, instances, inputs: {"predictions": [...]}', async () => {
    const records = ROWS.map(([x1, x2, city]) => ({ x1, x2, city }));
    const bodies = [
      { dataframe_split: { columns: COLUMNS, index: [0, 1, 2], data: ROWS } },
      { dataframe_records: records },
      { instances: records },
      { instances: ROWS },
      { inputs: { x1: ROWS.map((r) => r[0]), x2: ROWS.map((r) => r[1]), city: ROWS.map((r) => r[2]) } },
      { inputs: records },
    ];
    for (const body of bodies) {
      const r = await post(url(), body);
      assert.equal(r.status, 200, JSON.stringify(body));
      assert.deepEqual(r.body, { predictions: want.labels }, JSON.stringify(body));
    }
  });

  it('text/csv with a header row', async () => {
    const csv = `${COLUMNS.join(',')}\n${ROWS.map((r) => r.join(',')).join('\n')}\n`;
    const r = await post(url(), csv, { 'content-type': 'text/csv' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { predictions: want.labels });
  });

  it('params.predict_proba or ?predict_proba=true: probability records', async () => {
    const rows = want.proba.map((p) => ({ no: p[0], yes: p[1] }));
    const byParams = await post(url(), {
      dataframe_split: { columns: COLUMNS, data: ROWS },
      params: { predict_proba: true },
    });
    assert.deepEqual(byParams.body, { predictions: rows });
    const byQuery = await post(`${url()}?predict_proba=true`, { instances: ROWS });
    assert.deepEqual(byQuery.body, { predictions: rows });
  });

  it("errors are MLflow's {error_code, message}: bad format 400, another content type 415", async () => {
    const none = await post(url(), { rows: ROWS });
    assert.equal(none.status, 400);
    assert.equal(none.body.error_code, 'BAD_REQUEST');
    assert.match(none.body.message, /one of dataframe_split, dataframe_records, instances, inputs/);
    const two = await post(url(), { instances: ROWS, inputs: ROWS });
    assert.match(two.body.message, /only one of/);
    const typed = await post(url(), { dataframe_split: { columns: COLUMNS, data: [[1, 'x', 'Paris']] } });
    assert.deepEqual(
      [typed.status, typed.body.error_code, typed.body.column, typed.body.row],
      [400, 'BAD_REQUEST', 'x2', 0],
    );
    const xml = await post(url(), '<rows/>', { 'content-type': 'application/xml' });
    assert.equal(xml.status, 415);
    assert.equal(xml.body.error_code, 'BAD_REQUEST');
    // plain text is not CSV to MLflow's server either, though fastify reads it as a string
    const plain = await post(url(), 'x1,x2,city\n1,2,Paris\n', { 'content-type': 'text/plain' });
    assert.equal(plain.status, 415);
    assert.match(plain.body.message, /application\/json or text\/csv, not text\/plain/);
    const malformed = await post(url(), '{"instances": [');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error_code, 'BAD_REQUEST');
  });

  it('/ping and /health answer 200, /version the version; GET /invocations is 405', async () => {
    assert.equal((await get(`${base}/ping`)).status, 200);
    assert.equal((await get(`${base}/health`)).status, 200);
    assert.equal((await get(`${base}/endpoints/clf/ping`)).status, 200);
    const root = await get(`${base}/`);
    assert.deepEqual([root.status, root.body], [200, 'Healthy\n'], "Azure's liveness route");
    assert.equal((await get(`${base}/endpoints/clf`)).status, 200);
    const version = await get(`${base}/version`);
    assert.match(String(version.body), /^\d+\.\d+\.\d+/);
    const wrong = await get(url());
    assert.equal(wrong.status, 405);
    assert.equal(wrong.body.error_code, 'ENDPOINT_NOT_FOUND');
  });
});

describe('Open Inference Protocol v2', () => {
  const tensors = [
    { name: 'x1', shape: [3], datatype: 'FP64', data: ROWS.map((r) => r[0]) },
    { name: 'x2', shape: [3, 1], datatype: 'FP64', data: ROWS.map((r) => [r[1]]) },
    { name: 'city', shape: [3], datatype: 'BYTES', data: ROWS.map((r) => r[2]) },
  ];

  it('health, server metadata, model metadata from the schema, model ready', async () => {
    assert.deepEqual((await get(`${base}/v2/health/live`)).body, { live: true });
    assert.deepEqual((await get(`${base}/v2/health/ready`)).body, { ready: true });
    assert.equal((await get(`${base}/v2`)).body.name, 'mlsweep');
    const meta = await get(`${base}/v2/models/clf`);
    assert.equal(meta.status, 200);
    assert.equal(meta.body.name, 'clf');
    assert.equal(meta.body.platform, 'mlsweep');
    assert.deepEqual(meta.body.versions, ['default']);
    assert.deepEqual(
      meta.body.inputs.map((i: { name: string; datatype: string; shape: number[] }) => [
        i.name,
        i.datatype,
        i.shape,
      ]),
      [
        ['x1', 'FP64', [-1]],
        ['x2', 'FP64', [-1]],
        ['city', 'BYTES', [-1]],
      ],
    );
    assert.deepEqual(meta.body.outputs, [
      { name: 'predict', datatype: 'BYTES', shape: [-1] },
      { name: 'predict_proba', datatype: 'FP64', shape: [-1, 2] },
    ]);
    assert.deepEqual((await get(`${base}/v2/models/clf/ready`)).body, { name: 'clf', ready: true });
    assert.equal((await get(`${base}/v2/models/default/ready`)).status, 200, 'a deployment is a model too');
    assert.equal((await get(`${base}/v2/models/nope`)).status, 404);
  });

  it('infer with one tensor per column: predict, id echoed', async () => {
    const r = await post(`${base}/v2/models/clf/infer`, { id: 'req-7', inputs: tensors });
    assert.equal(r.status, 200);
    assert.equal(r.body.id, 'req-7');
    assert.equal(r.body.model_name, 'clf');
    assert.deepEqual(r.body.outputs, [{ name: 'predict', datatype: 'BYTES', shape: [3], data: want.labels }]);
  });

  it('infer with one 2-D tensor (columns parameter, or the schema order) and predict_proba asked', async () => {
    const flat = ROWS.flat();
    const named = await post(`${base}/v2/models/clf/versions/default/infer`, {
      inputs: [
        { name: 'rows', shape: [3, 3], datatype: 'BYTES', data: flat, parameters: { columns: COLUMNS } },
      ],
      outputs: [{ name: 'predict' }, { name: 'predict_proba' }],
    });
    assert.equal(named.status, 200, JSON.stringify(named.body));
    assert.deepEqual(named.body.outputs[0].data, want.labels);
    assert.deepEqual(named.body.outputs[1].shape, [3, 2]);
    assert.deepEqual(named.body.outputs[1].data, want.proba.flat());
    const ordered = await post(`${base}/v2/models/clf/infer`, {
      inputs: [{ name: 'rows', shape: [3, 3], datatype: 'BYTES', data: ROWS }],
      parameters: { predict_proba: true },
    });
    assert.deepEqual(ordered.body.outputs[0].data, want.labels);
    assert.equal(ordered.body.outputs[1].name, 'predict_proba');
  });

  it('errors are {"error": ...}: bad shape, missing column, unknown output, unknown model, regression proba', async () => {
    const shape = await post(`${base}/v2/models/clf/infer`, {
      inputs: [{ ...tensors[0], shape: [4] }, tensors[1], tensors[2]],
    });
    assert.equal(shape.status, 400);
    assert.match(shape.body.error, /shape \[4\] holds 4 values, but data has 3/);
    const lacking = await post(`${base}/v2/models/clf/infer`, { inputs: [tensors[0], tensors[2]] });
    assert.match(lacking.body.error, /lacks the column 'x2'/);
    const output = await post(`${base}/v2/models/clf/infer`, {
      inputs: tensors,
      outputs: [{ name: 'shap' }],
    });
    assert.match(output.body.error, /unknown output "shap"/);
    const model = await post(`${base}/v2/models/other/infer`, { inputs: tensors });
    assert.equal(model.status, 404);
    assert.match(model.body.error, /no model 'other'/);
    const version = await post(`${base}/v2/models/clf/versions/9/infer`, { inputs: tensors });
    assert.equal(version.status, 404);
    const proba = await post(`${regressionBase}/v2/models/reg/infer`, {
      inputs: tensors,
      outputs: [{ name: 'predict_proba' }],
    });
    assert.equal(proba.status, 400);
    const values = await post(`${regressionBase}/v2/models/reg/infer`, { inputs: tensors });
    assert.deepEqual(values.body.outputs[0].data, wantRegression.labels);
    assert.equal(values.body.outputs[0].datatype, 'FP64');
  });
});

describe('/metrics', () => {
  it('Prometheus text: requests by code, latency histogram, rows scored, in flight', async () => {
    await post(`${base}/score`, { data: ROWS });
    await post(`${base}/score`, { data: [[1, 'x', 'Paris']] });
    const r = await fetch(`${base}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    assert.match(
      text,
      /^mlsweep_requests_total\{endpoint="clf",deployment="default",protocol="azure",code="200"\} \d+$/m,
    );
    assert.match(
      text,
      /^mlsweep_requests_total\{endpoint="clf",deployment="default",protocol="azure",code="400"\} \d+$/m,
    );
    assert.match(
      text,
      /^mlsweep_request_duration_seconds_bucket\{endpoint="clf",deployment="default",protocol="azure",le="\+Inf"\} \d+$/m,
    );
    assert.match(
      text,
      /^mlsweep_request_duration_seconds_count\{endpoint="clf",deployment="default",protocol="mlflow"\} \d+$/m,
    );
    assert.match(text, /^mlsweep_rows_scored_total\{endpoint="clf",deployment="default"\} \d+$/m);
    assert.match(text, /^# TYPE mlsweep_mirror_requests_total counter$/m);
    assert.match(text, /^mlsweep_requests_in_flight\{endpoint="clf",deployment="default"\} 0$/m);
    assert.match(text, /^mlsweep_deployment_threads\{endpoint="clf",deployment="default"\} 1$/m);
    assert.match(
      text,
      /^mlsweep_deployment_utilization\{endpoint="clf",deployment="default"\} 0(\.\d+)?(e-\d+)?$/m,
    );
  });
});
