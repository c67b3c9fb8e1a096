import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError } from '../../src/core/errors.ts';
import {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_CONCURRENT_REQUESTS_PER_INSTANCE,
  DEFAULT_PROBE,
  DEFAULT_REQUEST_TIMEOUT_MS,
} from '../../src/registry/endpoint-types.ts';
import {
  parseDeploymentYaml,
  parseEndpointYaml,
  readDeploymentFile,
  readEndpointFile,
} from '../../src/serve/endpoint-spec.ts';

const dir = mkdtempSync(join(tmpdir(), 'mlsweep-endpoint-spec-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Expects a ConfigError whose whole message is exactly `message`. */
function refuses(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    assert.ok(!error.message.includes('\n'), 'one line');
    return true;
  });
}

const deployment = (body: string) => parseDeploymentYaml(body, { file: 'blue.yml', baseDir: '/work/ep' });
const endpoint = (body: string) => parseEndpointYaml(body, { file: 'endpoint.yml' });
const minimal = 'name: blue\nendpoint_name: iris\nmodel: model.json\n';

describe('endpoint files', () => {
  it('reads every key of managedOnlineEndpoint', () => {
    const file =
      endpoint(`$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json
name: iris
description: flowers
tags: {team: ml, tier: 1}
auth_mode: aml_token
traffic:
  blue: 90
  green: 10
mirror_traffic:
  red: 20
identity: {type: system_assigned}
public_network_access: disabled
`);
    assert.deepEqual(file.spec, {
      name: 'iris',
      description: 'flowers',
      tags: { team: 'ml', tier: '1' },
      authMode: 'aml_token',
      traffic: { blue: 90, green: 10 },
      mirrorTraffic: { red: 20 },
    });
    assert.equal(file.setsTraffic, true);
    assert.equal(file.notices.length, 2);
    assert.match(file.notices[0]!, /^identity is ignored: /);
    assert.match(file.notices[1]!, /^public_network_access is ignored: /);
  });

  it('fills the defaults: key auth, no traffic', () => {
    const file = endpoint('name: iris\n');
    assert.deepEqual(file.spec, {
      name: 'iris',
      description: '',
      tags: {},
      authMode: 'key',
      traffic: {},
      mirrorTraffic: {},
    });
    assert.equal(file.setsTraffic, false);
    assert.deepEqual(file.notices, []);
  });

  it('names file, line, column and key of each mistake', () => {
    refuses(
      () => endpoint('name: iris\nauth_mode: aad_token\n'),
      "endpoint.yml:line 2, column 1: auth_mode: 'aad_token' (Microsoft Entra ID tokens) is not available locally: use key or aml_token",
    );
    refuses(
      () => endpoint('name: iris\nauth_mode: keys\n'),
      "endpoint.yml:line 2, column 1: auth_mode: expected 'key' or 'aml_token', got 'keys'; did you mean 'key'?",
    );
    refuses(
      () => endpoint('name: iris\nauth_mod: key\n'),
      "endpoint.yml:line 2, column 1: auth_mod: unknown key 'auth_mod'; did you mean 'auth_mode'?",
    );
    refuses(
      () => endpoint('name: iris\ntraffic:\n  blue: 90\n  green: 10.5\n'),
      /^endpoint\.yml:line 4, column 3: traffic\.green: expected an integer, got 10\.5$/,
    );
    refuses(
      () => endpoint('name: iris\ntraffic:\n  blue: 101\n'),
      'endpoint.yml:line 3, column 3: traffic.blue: must be <= 100, got 101',
    );
    refuses(
      () => endpoint('name: iris\nmirror_traffic: {green: 60}\n'),
      'endpoint.yml:line 2, column 18: mirror_traffic.green: must be <= 50, got 60',
    );
    refuses(
      () => endpoint('name: iris\ntraffic: {blue_1: 100}\n'),
      /^endpoint\.yml:line 2, column 11: traffic\.blue_1: invalid deployment name 'blue_1'/,
    );
    refuses(
      () => endpoint('  name: x1\n'),
      /^endpoint\.yml:line 1, column 3: name: invalid endpoint name 'x1'/,
    );
    refuses(
      () => endpoint('description: d\n'),
      "endpoint.yml:line 1, column 1: name: missing required key 'name'",
    );
    refuses(() => endpoint('- name\n'), /^endpoint\.yml: an endpoint file is a mapping of keys/);
    refuses(() => endpoint('name: [\n'), /^endpoint\.yml:line \d+: cannot parse the file: /);
    refuses(
      () =>
        endpoint(
          '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\nname: blue\n',
        ),
      'endpoint.yml:line 1, column 1: $schema: this is a deployment file: use mlsweep deployment create -f',
    );
  });

  it('reads a file from disk and names it in errors', () => {
    const file = join(dir, 'endpoint.yml');
    writeFileSync(file, 'name: iris\nauth_mode: key\n');
    assert.equal(readEndpointFile(file).spec.name, 'iris');
    refuses(
      () => readEndpointFile(join(dir, 'missing.yml')),
      /missing\.yml: cannot read the file: no such file/,
    );
  });
});

describe('deployment files', () => {
  it('reads every key of managedOnlineDeployment', () => {
    const file =
      deployment(`$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json
name: blue
endpoint_name: iris
description: first
tags: {stage: dev}
model: ../models/iris.json
code_configuration:
  code: ./onlinescoring
  scoring_script: score.mjs
environment: azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu@latest
instance_type: Standard_DS3_v2
instance_count: 3
request_settings:
  request_timeout_ms: 3000
  max_concurrent_requests_per_instance: 8
  max_queue_wait_ms: 500
  max_body_bytes: 1048576
liveness_probe:
  initial_delay: 5
  period: 20
  timeout: 3
  success_threshold: 1
  failure_threshold: 4
readiness_probe:
  period: 5
scale_settings:
  type: target_utilization
  min_instances: 2
  max_instances: 6
  target_utilization_percentage: 60
  polling_interval: 15
data_collector:
  collections:
    model_inputs:
      enabled: 'True'
    model_outputs:
      enabled: false
  rolling_rate: Minute
  sampling_rate: 0.5
  destination: ./collected
app_insights_enabled: true
egress_public_network_access: disabled
`);
    assert.deepEqual(file.spec, {
      name: 'blue',
      endpointName: 'iris',
      description: 'first',
      tags: { stage: 'dev' },
      model: '/work/models/iris.json',
      codeConfiguration: { code: '/work/ep/onlinescoring', scoringScript: 'score.mjs' },
      environment: 'azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu@latest',
      instanceCount: 3,
      requestSettings: { requestTimeoutMs: 3000, maxConcurrentRequestsPerInstance: 8, maxBodyBytes: 1048576 },
      livenessProbe: { initialDelay: 5, period: 20, timeout: 3, successThreshold: 1, failureThreshold: 4 },
      readinessProbe: { ...DEFAULT_PROBE, period: 5 },
      scaleSettings: {
        type: 'target_utilization',
        minInstances: 2,
        maxInstances: 6,
        targetUtilizationPercentage: 60,
        pollingInterval: 15,
      },
      dataCollector: {
        modelInputs: true,
        modelOutputs: false,
        rollingRate: 'minute',
        samplingRate: 0.5,
        destination: '/work/ep/collected',
      },
    });
    const notices = file.notices.map((n) => n.split(':')[0]);
    assert.deepEqual(notices, [
      'instance_type is ignored',
      'app_insights_enabled is ignored',
      'egress_public_network_access is ignored',
      'request_settings.max_queue_wait_ms is ignored',
    ]);
  });

  it('fills Azure defaults', () => {
    const file = deployment(minimal);
    assert.deepEqual(file.spec, {
      name: 'blue',
      endpointName: 'iris',
      description: '',
      tags: {},
      model: '/work/ep/model.json',
      instanceCount: 1,
      requestSettings: {
        requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
        maxConcurrentRequestsPerInstance: DEFAULT_MAX_CONCURRENT_REQUESTS_PER_INSTANCE,
        maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
      },
      livenessProbe: DEFAULT_PROBE,
      readinessProbe: DEFAULT_PROBE,
      scaleSettings: { type: 'default' },
    });
    assert.deepEqual(file.notices, []);
    const scale = deployment(`${minimal}scale_settings: {type: target_utilization}\n`).spec.scaleSettings;
    assert.deepEqual(scale, {
      type: 'target_utilization',
      minInstances: 1,
      maxInstances: 1,
      targetUtilizationPercentage: 70,
      pollingInterval: 1,
    });
    assert.deepEqual(deployment(`${minimal}scale_settings: {type: default}\n`).spec.scaleSettings, {
      type: 'default',
    });
    const collector = deployment(
      `${minimal}data_collector: {collections: {model_inputs: {enabled: true}}}\n`,
    ).spec;
    assert.deepEqual(collector.dataCollector, {
      modelInputs: true,
      modelOutputs: false,
      rollingRate: 'hour',
      samplingRate: 1,
    });
  });

  it('maps every model form: file, inline path, models:/, azureml:NAME:VERSION and @latest', () => {
    const model = (m: string) => deployment(`name: blue\nendpoint_name: iris\nmodel: ${m}\n`).spec.model;
    assert.equal(model('./m/model.json'), '/work/ep/m/model.json');
    assert.equal(model('/abs/model.json'), '/abs/model.json');
    assert.equal(model('{path: sub/model.json}'), '/work/ep/sub/model.json');
    assert.equal(model('models:/iris/3'), 'models:/iris/3');
    assert.equal(model('models:/iris@production'), 'models:/iris@production');
    assert.equal(model('azureml:iris-rf:2'), 'models:/iris-rf/2');
    assert.equal(model('azureml:iris-rf@latest'), 'models:/iris-rf/latest');
    const inline = deployment(
      'name: blue\nendpoint_name: iris\nmodel:\n  path: m.json\n  name: iris\n  type: mlflow_model\n',
    );
    assert.deepEqual(inline.notices, ['model.name, model.type ignored: an inline model is its path']);
  });

  it('keeps an inline environment as JSON', () => {
    const spec = deployment(
      `${minimal}environment:\n  image: mcr.microsoft.com/azureml/minimal\n  conda_file: env.yml\n`,
    ).spec;
    assert.equal(spec.environment, '{"image":"mcr.microsoft.com/azureml/minimal","conda_file":"env.yml"}');
  });

  it('names file, line, column and key of each mistake', () => {
    refuses(
      () => deployment(`${minimal}instance_count: 0\n`),
      'blue.yml:line 4, column 1: instance_count: must be >= 1, got 0',
    );
    refuses(
      () => deployment(`${minimal}instance_cuont: 2\n`),
      "blue.yml:line 4, column 1: instance_cuont: unknown key 'instance_cuont'; did you mean 'instance_count'?",
    );
    refuses(
      () => deployment(`${minimal}request_settings:\n  request_timeout: 10\n`),
      "blue.yml:line 5, column 3: request_settings.request_timeout: unknown key 'request_timeout'; did you mean 'request_timeout_ms'?",
    );
    refuses(
      () => deployment(`${minimal}request_settings:\n  request_timeout_ms: fast\n`),
      "blue.yml:line 5, column 3: request_settings.request_timeout_ms: expected a number, got 'fast'",
    );
    refuses(
      () => deployment(`${minimal}liveness_probe:\n  period: 0\n`),
      'blue.yml:line 5, column 3: liveness_probe.period: must be >= 1, got 0',
    );
    refuses(
      () => deployment(`${minimal}scale_settings:\n  type: target\n`),
      `blue.yml:line 5, column 3: scale_settings.type: expected 'default' or 'target_utilization', got "target"`,
    );
    refuses(
      () => deployment(`${minimal}scale_settings:\n  type: default\n  min_instances: 2\n`),
      "blue.yml:line 6, column 3: scale_settings.min_instances: unknown key 'min_instances'; valid keys are type",
    );
    refuses(
      () =>
        deployment(
          `${minimal}scale_settings:\n  type: target_utilization\n  min_instances: 3\n  max_instances: 2\n`,
        ),
      'blue.yml:line 7, column 3: scale_settings.max_instances: must be >= min_instances (3), got 2',
    );
    refuses(
      () => deployment(`${minimal}data_collector:\n  collections:\n    model_input: {enabled: true}\n`),
      "blue.yml:line 6, column 5: data_collector.collections.model_input: unknown key 'model_input'; did you mean 'model_inputs'?",
    );
    refuses(
      () => deployment(`${minimal}data_collector:\n  rolling_rate: weekly\n`),
      "blue.yml:line 5, column 3: data_collector.rolling_rate: expected 'minute' or 'hour' or 'day', got 'weekly'",
    );
    refuses(
      () => deployment(`${minimal}data_collector:\n  sampling_rate: 2\n`),
      'blue.yml:line 5, column 3: data_collector.sampling_rate: must be <= 1, got 2',
    );
    refuses(
      () => deployment('name: blue\nendpoint_name: iris\n'),
      "blue.yml:line 1, column 1: model: missing required key 'model'",
    );
    refuses(
      () => deployment('name: blue\nmodel: m.json\n'),
      "blue.yml:line 1, column 1: endpoint_name: missing required key 'endpoint_name'",
    );
    refuses(
      () => deployment('name: blue\nendpoint_name: iris\nmodel: azureml:iris\n'),
      "blue.yml:line 3, column 1: model: 'azureml:iris' is not a model reference: expected azureml:NAME:VERSION or azureml:NAME@latest",
    );
    refuses(
      () =>
        deployment(
          'name: blue\nendpoint_name: iris\nmodel: azureml://registries/azureml/models/iris/versions/1\n',
        ),
      /^blue\.yml:line 3, column 1: model: 'azureml:\/\/registries.* is not reachable here/,
    );
    refuses(
      () => deployment('name: blue\nendpoint_name: iris\nmodel: models:/iris/zero\n'),
      /^blue\.yml:line 3, column 1: model: invalid model version 'zero'/,
    );
    refuses(
      () => deployment('name: blue\nendpoint_name: iris\nmodel: runs:/abc/model.json\n'),
      /^blue\.yml:line 3, column 1: model: 'runs:\/abc\/model.json' is not a model here/,
    );
    refuses(
      () => deployment('name: blue\nendpoint_name: iris\nmodel:\n  paht: m.json\n'),
      /^blue\.yml:line 4, column 3: model\.paht: unknown key 'paht'/,
    );
    refuses(
      () => deployment('name: blue\nendpoint_name: iris\nmodel: {name: iris}\n'),
      "blue.yml:line 3, column 1: model.path: missing required key 'path'",
    );
    refuses(
      () => deployment('name: blue\nendpoint_name: iris\nmodel: {path: 3}\n'),
      'blue.yml:line 3, column 9: model.path: expected a string, got 3',
    );
    refuses(
      () => deployment('name: blue\nendpoint_name: iris\nmodel: [a]\n'),
      /^blue\.yml:line 3, column 1: model: expected a model path/,
    );
    refuses(
      () => deployment(`${minimal}code_configuration:\n  code: .\n  scoring_script: ../score.mjs\n`),
      "blue.yml:line 6, column 3: code_configuration.scoring_script: '../score.mjs' must be a path inside code (relative, without '..')",
    );
    refuses(
      () => deployment(`${minimal}code_configuration:\n  code: .\n`),
      "blue.yml:line 4, column 1: code_configuration.scoring_script: missing required key 'scoring_script'",
    );
    refuses(
      () => deployment('name: Blue_1\nendpoint_name: iris\nmodel: m.json\n'),
      /^blue\.yml:line 1, column 1: name: invalid deployment name 'Blue_1'/,
    );
    refuses(
      () =>
        deployment(
          '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\nname: iris\n',
        ),
      'blue.yml:line 1, column 1: $schema: this is an endpoint file: use mlsweep endpoint create -f',
    );
  });

  it("resolves paths from the file's folder when read from disk", () => {
    const file = join(dir, 'blue.yml');
    writeFileSync(file, `${minimal}code_configuration: {code: src, scoring_script: score.mjs}\n`);
    const { spec } = readDeploymentFile(file);
    assert.equal(spec.model, join(dir, 'model.json'));
    assert.equal(spec.codeConfiguration?.code, join(dir, 'src'));
  });
});
