import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/core/errors.ts';
import {
  parseBatchDeploymentYaml,
  parseBatchEndpointYaml,
  parseByteSize,
} from '../../../src/serve/batch/spec.ts';

const base = 'name: forest\nendpoint_name: scores\nmodel: ./model.json\n';

/** The ConfigError a text raises, as its message. */
function refusal(text: string, endpoint = false): string {
  try {
    if (endpoint) parseBatchEndpointYaml(text, { file: 'e.yml', baseDir: '/work' });
    else parseBatchDeploymentYaml(text, { file: 'd.yml', baseDir: '/work' });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    assert.ok(!error.message.includes('\n'), 'one line');
    return error.message;
  }
  assert.fail('accepted');
}

describe('batch deployment YAML', () => {
  it("fills Azure's defaults", () => {
    const { spec, notices } = parseBatchDeploymentYaml(base, { baseDir: '/work' });
    assert.deepEqual(spec, {
      name: 'forest',
      endpointName: 'scores',
      description: '',
      tags: {},
      model: '/work/model.json',
      instanceCount: 1,
      maxConcurrencyPerInstance: 1,
      miniBatchSize: 10,
      outputAction: 'append_row',
      outputFileName: 'predictions.csv',
      retrySettings: { maxRetries: 3, timeoutSeconds: 30 },
      errorThreshold: -1,
      loggingLevel: 'info',
    });
    assert.deepEqual(notices, []);
  });

  it('reads the settings at the top level (older schema) or under settings, a model reference, a scoring module', () => {
    const text = `$schema: https://azuremlschemas.azureedge.net/latest/modelBatchDeployment.schema.json
name: forest
endpoint_name: scores
type: model
model: azureml:iris@latest
compute: azureml:batch-cluster
code_configuration:
  code: ./code
  scoring_script: batch_driver.mjs
resources:
  instance_count: 2
settings:
  max_concurrency_per_instance: 3
  mini_batch_size: 5
  output_action: APPEND_ROW
  output_file_name: scores.csv
  retry_settings:
    max_retries: 1
    timeout: 60
  logging_level: debug
error_threshold: 4
`;
    const { spec, notices } = parseBatchDeploymentYaml(text, { baseDir: '/work' });
    assert.equal(spec.model, 'models:/iris/latest');
    assert.deepEqual(spec.codeConfiguration, { code: '/work/code', scoringScript: 'batch_driver.mjs' });
    assert.equal(spec.instanceCount, 2);
    assert.equal(spec.maxConcurrencyPerInstance, 3);
    assert.equal(spec.miniBatchSize, 5);
    assert.equal(spec.outputAction, 'append_row');
    assert.equal(spec.outputFileName, 'scores.csv');
    assert.deepEqual(spec.retrySettings, { maxRetries: 1, timeoutSeconds: 60 });
    assert.equal(spec.errorThreshold, 4);
    assert.equal(spec.loggingLevel, 'debug');
    assert.equal(notices.length, 2);
    assert.match(notices.join('\n'), /compute is ignored/);
    assert.match(notices.join('\n'), /type is ignored/);
  });

  it('a mini_batch_size with a unit is bytes (files are split by rows); a bare number counts files', () => {
    assert.equal(
      parseBatchDeploymentYaml(`${base}mini_batch_size: 10MB\n`).spec.miniBatchBytes,
      10 * 1024 ** 2,
    );
    assert.equal(parseBatchDeploymentYaml(`${base}mini_batch_size: "7"\n`).spec.miniBatchSize, 7);
    assert.equal(parseByteSize('1.5KB'), 1536);
    assert.equal(parseByteSize('1024'), 1024);
  });

  it('mistakes are one line with file, line, column and key', () => {
    assert.equal(
      refusal(`${base}mini_batch_sise: 3\n`),
      "d.yml:line 4, column 1: mini_batch_sise: unknown key 'mini_batch_sise'; did you mean 'mini_batch_size'?",
    );
    assert.match(
      refusal(`${base}output_action: append\n`),
      /^d\.yml:line 4, column 1: output_action: expected 'append_row' or 'summary_only', got 'append'$/,
    );
    assert.match(refusal(`${base}error_threshold: -2\n`), /^d\.yml:line 4, column 1: error_threshold: .*-1/);
    assert.match(
      refusal(`${base}retry_settings:\n  max_retries: 2\n  timeout: 0\n`),
      /^d\.yml:line 6, column 3: retry_settings\.timeout: /,
    );
    assert.match(refusal(`${base}mini_batch_size: lots\n`), /^d\.yml:line 4, column 1: mini_batch_size: /);
    assert.match(
      refusal(`${base}mini_batch_size: 3\nsettings:\n  mini_batch_size: 4\n`),
      /^d\.yml:line 6, column 3: settings\.mini_batch_size: 'mini_batch_size' is given twice/,
    );
    assert.match(
      refusal(`${base}code_configuration:\n  code: .\n  scoring_script: s.mjs\nmini_batch_size: 1MB\n`),
      /^d\.yml:line 7, column 1: mini_batch_size: a size \(1MB\) splits files by rows, but a scoring module/,
    );
    assert.match(
      refusal('name: forest\nendpoint_name: scores\n'),
      /^d\.yml.*model: missing required key 'model'/,
    );
    assert.match(
      refusal(`${base}output_file_name: out/p.csv\n`),
      /^d\.yml:line 4, column 1: output_file_name: /,
    );
    assert.match(
      refusal(base.replace('forest', 'rf')),
      /^d\.yml:line 1, column 1: name: invalid deployment name 'rf'/,
    );
    assert.match(
      refusal(
        `$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\n${base}`,
      ),
      /online deployment file: use mlsweep deployment create -f/,
    );
    assert.match(
      refusal(`$schema: https://azuremlschemas.azureedge.net/latest/batchEndpoint.schema.json\n${base}`),
      /this is a batch endpoint file: use mlsweep batch-endpoint create -f/,
    );
  });
});

describe('batch endpoint YAML', () => {
  it('reads name, description, tags and defaults.deployment_name; auth_mode is accepted and ignored', () => {
    const { spec, notices } = parseBatchEndpointYaml(
      'name: scores\ndescription: nightly\ntags:\n  team: ml\nauth_mode: aad_token\ndefaults:\n  deployment_name: forest\n',
    );
    assert.deepEqual(spec, {
      name: 'scores',
      description: 'nightly',
      tags: { team: 'ml' },
      defaultDeployment: 'forest',
    });
    assert.equal(notices.length, 1);
    assert.match(notices[0]!, /^auth_mode is ignored/);
  });

  it('mistakes are one line with position', () => {
    assert.match(
      refusal('name: scores\ndefault:\n  deployment_name: x\n', true),
      /^e\.yml:line 2, column 1: default: unknown key/,
    );
    assert.match(
      refusal(
        `$schema: https://azuremlschemas.azureedge.net/latest/modelBatchDeployment.schema.json\nname: scores\n`,
        true,
      ),
      /this is a batch deployment file/,
    );
  });
});
