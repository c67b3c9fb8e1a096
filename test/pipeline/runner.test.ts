// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Azure's ${{...}} bindings
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readPipelineFile } from '../../src/pipeline/pipeline-spec.ts';
import { type PipelineResult, runPipeline } from '../../src/pipeline/runner.ts';
import { openStore, workspace, writeFiles } from './helpers.ts';

const COPY = `name: copy
inputs:
  src: { type: uri_file }
  suffix: { type: string, default: "" }
outputs:
  out: { type: uri_folder }
command: cat \${{inputs.src}} > \${{outputs.out}}/data.txt && printf '%s\\n' \${{inputs.suffix}} >> \${{outputs.out}}/data.txt
`;
const JOIN = `name: join
inputs:
  a: { type: uri_folder }
  b: { type: uri_folder }
outputs:
  out: { type: uri_folder }
command: cat \${{inputs.a}}/data.txt \${{inputs.b}}/data.txt > \${{outputs.out}}/data.txt
`;

const PIPELINE = `$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
display_name: diamond
inputs:
  raw: { type: uri_file, path: ./raw.txt }
  tag: one
outputs:
  final: { type: uri_folder, path: ./final }
settings:
  default_compute: azureml:cpu
jobs:
  left:
    component: ./copy.yml
    inputs:
      src: \${{parent.inputs.raw}}
      suffix: left
  right:
    component: ./copy.yml
    inputs:
      src: \${{parent.inputs.raw}}
      suffix: \${{parent.inputs.tag}}
  both:
    component: ./join.yml
    inputs:
      a: \${{parent.jobs.left.outputs.out}}
      b: \${{parent.jobs.right.outputs.out}}
    outputs:
      out: \${{parent.outputs.final}}
`;

function statuses(result: PipelineResult): Record<string, string> {
  return Object.fromEntries(result.steps.map((s) => [s.name, s.status]));
}

describe('pipeline jobs', () => {
  it('run as a DAG with child runs, logs and outputs; a second run reuses every step; a changed input reruns only its dependants', async () => {
    const dir = workspace('pipe', {
      'copy.yml': COPY,
      'join.yml': JOIN,
      'raw.txt': 'hello\n',
      'p.yml': PIPELINE,
    });
    const store = openStore(dir);
    try {
      const spec = readPipelineFile(join(dir, 'p.yml'), { store });
      assert.deepEqual(spec.order, ['left', 'right', 'both']);
      assert.ok(spec.notes.some((n) => n.includes('default_compute is ignored')));
      const first = await runPipeline(spec, { store, maxParallel: 2 });
      assert.equal(first.status, 'completed');
      assert.deepEqual(statuses(first), { left: 'completed', right: 'completed', both: 'completed' });
      assert.equal(readFileSync(join(dir, 'final', 'data.txt'), 'utf8'), 'hello\nleft\nhello\none\n');
      const children = store.childRuns(first.runId);
      assert.equal(children.length, 3);
      for (const child of children) {
        assert.equal(child.status, 'FINISHED');
        assert.ok(existsSync(join(child.artifactDir, 'logs', 'stdout.log')));
      }
      assert.equal(store.run(first.runId).status, 'FINISHED');

      const second = await runPipeline(readPipelineFile(join(dir, 'p.yml'), { store }), { store });
      assert.deepEqual(statuses(second), { left: 'reused', right: 'reused', both: 'reused' });
      const reusedBoth = second.steps.find((s) => s.name === 'both')!;
      assert.equal(reusedBoth.reusedFrom, first.steps.find((s) => s.name === 'both')!.runId);
      assert.equal(store.run(reusedBoth.runId!).tags['mlsweep.pipeline.reused_from'], reusedBoth.reusedFrom);

      const third = await runPipeline(
        readPipelineFile(join(dir, 'p.yml'), { store, overrides: { tag: 'two' } }),
        {
          store,
        },
      );
      assert.deepEqual(statuses(third), { left: 'reused', right: 'completed', both: 'completed' });
      assert.equal(readFileSync(join(dir, 'final', 'data.txt'), 'utf8'), 'hello\nleft\nhello\ntwo\n');

      // The input file's content, not its name or time, decides.
      writeFileSync(join(dir, 'raw.txt'), 'bye\n');
      const fourth = await runPipeline(readPipelineFile(join(dir, 'p.yml'), { store }), { store });
      assert.deepEqual(statuses(fourth), { left: 'completed', right: 'completed', both: 'completed' });

      // force_rerun runs everything again.
      writeFiles(dir, { 'p.yml': PIPELINE.replace('settings:', 'settings:\n  force_rerun: true') });
      const fifth = await runPipeline(readPipelineFile(join(dir, 'p.yml'), { store }), { store });
      assert.deepEqual(statuses(fifth), { left: 'completed', right: 'completed', both: 'completed' });
    } finally {
      store.close();
    }
  });

  it('a step that exits 1 fails the job and skips its dependants; continue_on_step_failure lets the others finish', async () => {
    const fails = PIPELINE.replace(
      '  right:\n    component: ./copy.yml',
      '  right:\n    component:\n      name: boom\n      command: echo going down >&2; exit 1\n      outputs: { out: { type: uri_folder } }\n  other:\n    component: ./copy.yml',
    );
    const dir = workspace('pipe-fail', {
      'copy.yml': COPY,
      'join.yml': JOIN,
      'raw.txt': 'x\n',
      'p.yml': fails,
    });
    const store = openStore(dir);
    try {
      const spec = readPipelineFile(join(dir, 'p.yml'), { store });
      const result = await runPipeline(spec, { store, maxParallel: 1 });
      assert.equal(result.status, 'failed');
      const right = result.steps.find((s) => s.name === 'right')!;
      assert.equal(right.status, 'failed');
      assert.match(right.message!, /exited with code 1: going down/);
      assert.equal(statuses(result)['both'], 'skipped');
      assert.equal(store.run(result.runId).status, 'FAILED');

      writeFiles(dir, { 'p.yml': fails.replace('settings:', 'settings:\n  continue_on_step_failure: true') });
      const cont = await runPipeline(readPipelineFile(join(dir, 'p.yml'), { store }), {
        store,
        maxParallel: 1,
      });
      assert.equal(cont.status, 'failed');
      assert.equal(statuses(cont)['right'], 'failed');
      assert.equal(statuses(cont)['both'], 'skipped');
      assert.ok(['completed', 'reused'].includes(statuses(cont)['left']!));
      assert.ok(['completed', 'reused'].includes(statuses(cont)['other']!));
    } finally {
      store.close();
    }
  });

  it('a step past its limits.timeout is stopped, process group and all, and fails', async () => {
    const dir = workspace('pipe-timeout', {
      'p.yml': `type: pipeline
jobs:
  hang:
    command: sleep 30 & sleep 30
    limits: { timeout: 0.3 }
`,
    });
    const store = openStore(dir);
    try {
      const result = await runPipeline(readPipelineFile(join(dir, 'p.yml'), { store }), {
        store,
        graceMs: 200,
      });
      assert.equal(result.status, 'failed');
      assert.match(result.steps[0]!.message!, /stopped after its timeout of 0\.3 s/);
      assert.ok(result.steps[0]!.durationMs < 20000);
    } finally {
      store.close();
    }
  });

  it('a binding to an unknown step, an unknown output or a cycle is an error at file:line:col before anything runs', () => {
    const dir = workspace('pipe-bind', { 'copy.yml': COPY, 'join.yml': JOIN, 'raw.txt': 'x\n' });
    const store = openStore(dir);
    try {
      writeFiles(dir, {
        'p.yml': PIPELINE.replace('${{parent.jobs.left.outputs.out}}', '${{parent.jobs.nope.outputs.x}}'),
      });
      assert.throws(
        () => readPipelineFile(join(dir, 'p.yml'), { store }),
        /p\.yml:line 25, column 7: jobs\.both\.inputs\.a: step both: \$\{\{parent\.jobs\.nope\.outputs\.x\}\} names no step 'nope' \(steps: left, right, both\)/,
      );
      writeFiles(dir, {
        'p.yml': PIPELINE.replace('${{parent.jobs.left.outputs.out}}', '${{parent.jobs.left.outputs.model}}'),
      });
      assert.throws(
        () => readPipelineFile(join(dir, 'p.yml'), { store }),
        /step left has no output 'model' \(its outputs: out\)/,
      );
      writeFiles(dir, { 'p.yml': PIPELINE.replace('${{parent.inputs.tag}}', '${{parent.inputs.nothing}}') });
      assert.throws(
        () => readPipelineFile(join(dir, 'p.yml'), { store }),
        /step right: \$\{\{parent\.inputs\.nothing\}\} names no pipeline input \(the pipeline has raw, tag\)/,
      );
      writeFiles(dir, {
        'p.yml': PIPELINE.replace(
          'src: ${{parent.inputs.raw}}\n      suffix: left',
          'src: ${{parent.jobs.both.outputs.out}}\n      suffix: left',
        ),
      });
      assert.throws(
        () => readPipelineFile(join(dir, 'p.yml'), { store }),
        /the pipeline's steps form a cycle: (left -> both -> left|both -> left -> both)/,
      );
      writeFiles(dir, {
        'p.yml': PIPELINE.replace('src: ${{parent.inputs.raw}}\n      suffix: left', 'suffix: left'),
      });
      assert.throws(
        () => readPipelineFile(join(dir, 'p.yml'), { store }),
        /step left: required input 'src' of the component is not given/,
      );
      writeFiles(dir, { 'p.yml': PIPELINE.replace('component: ./join.yml', 'component: azureml:join:3') });
      assert.throws(
        () => readPipelineFile(join(dir, 'p.yml'), { store }),
        /jobs\.both\.component: step both: no component join:3 in the store/,
      );
      writeFiles(dir, {
        'copy2.yml': COPY.replace(
          'suffix: { type: string, default: "" }',
          'suffix: { type: integer, default: 0 }',
        ),
        'p.yml': PIPELINE.replace(
          'component: ./copy.yml\n    inputs:\n      src: ${{parent.inputs.raw}}\n      suffix: ${{parent.inputs.tag}}',
          'component: ./copy2.yml\n    inputs:\n      src: ${{parent.inputs.raw}}\n      suffix: ${{parent.inputs.tag}}',
        ),
      });
      assert.throws(
        () => readPipelineFile(join(dir, 'p.yml'), { store }),
        /step right: input suffix \(integer\) gets \$\{\{parent\.inputs\.tag\}\}: expected an integer, got "one"/,
      );
      assert.throws(
        () => readPipelineFile(join(dir, 'p.yml'), { store, overrides: { tag: 'x' } }),
        /expected an integer, got "x"/,
      );
      assert.equal(store.searchRuns({}).length, 0, 'nothing ran');
    } finally {
      store.close();
    }
  });

  it('pipeline outputs may name a datastore path; inputs may be datastore URIs', async () => {
    const dir = workspace('pipe-datastore', { 'copy.yml': COPY, 'join.yml': JOIN, 'raw.txt': 'ds\n' });
    const store = openStore(dir);
    try {
      writeFiles(join(store.dir, 'artifacts'), { 'incoming/raw.txt': 'from the datastore\n' });
      writeFiles(dir, {
        'p.yml': PIPELINE.replace(
          'path: ./final',
          'path: azureml://datastores/workspaceblobstore/paths/results/final',
        ).replace('path: ./raw.txt', 'path: azureml://datastores/workspaceblobstore/paths/incoming/raw.txt'),
      });
      const result = await runPipeline(readPipelineFile(join(dir, 'p.yml'), { store }), { store });
      assert.equal(result.status, 'completed');
      const final = join(store.dir, 'artifacts', 'results', 'final', 'data.txt');
      assert.equal(result.outputs['final'], join(store.dir, 'artifacts', 'results', 'final'));
      assert.equal(readFileSync(final, 'utf8'), 'from the datastore\nleft\nfrom the datastore\none\n');
    } finally {
      store.close();
    }
  });

  it('an environment that cannot be built fails the job before any step runs, naming the step', async () => {
    const dir = workspace('pipe-env', {
      'p.yml': `type: pipeline
jobs:
  first:
    command: echo ran > ran.txt
  second:
    command: echo hi
    environment: azureml:no-such-env:1
`,
    });
    const store = openStore(dir);
    try {
      await assert.rejects(
        runPipeline(readPipelineFile(join(dir, 'p.yml'), { store }), { store }),
        /step second: its environment cannot be built: .*no-such-env/,
      );
      assert.equal(store.searchRuns({}).length, 0, 'no run was created');
      assert.ok(!existsSync(join(dir, 'ran.txt')), 'no step ran');
    } finally {
      store.close();
    }
  });

  it('--resume reruns only the steps that did not succeed', async () => {
    const gate = `name: gate
inputs:
  a: { type: uri_folder }
outputs:
  out: { type: uri_folder }
is_deterministic: false
command: test -f ../gate-open && cp \${{inputs.a}}/data.txt \${{outputs.out}}/data.txt
`;
    const pipeline = PIPELINE.replace('component: ./join.yml', 'component: ./gate/gate.yml').replace(
      '\n      b: ${{parent.jobs.right.outputs.out}}',
      '',
    );
    const dir = workspace('pipe-resume', {
      'copy.yml': COPY,
      'gate/gate.yml': gate,
      'raw.txt': 'x\n',
      'p.yml': pipeline,
    });
    const store = openStore(dir);
    try {
      const spec = readPipelineFile(join(dir, 'p.yml'), { store });
      const first = await runPipeline(spec, { store, maxParallel: 1 });
      assert.equal(first.status, 'failed');
      assert.equal(statuses(first)['both'], 'failed');
      writeFileSync(join(dir, 'gate-open'), '');
      const resumed = await runPipeline(spec, { store, resume: first.runId });
      assert.equal(resumed.runId, first.runId);
      assert.equal(resumed.status, 'completed');
      assert.deepEqual(statuses(resumed), { left: 'reused', right: 'reused', both: 'completed' });
      assert.equal(resumed.steps[0]!.reusedFrom, first.steps[0]!.runId);
      assert.equal(store.run(first.runId).status, 'FINISHED');
    } finally {
      store.close();
    }
  });

  it('runs independent steps in parallel, never more than maxParallel at once', async () => {
    const probe = `name: probe
outputs:
  out: { type: uri_folder }
is_deterministic: false
command: mkdir "$LOCKS/$MLSWEEP_PIPELINE_STEP" && ls "$LOCKS" | wc -l > \${{outputs.out}}/n && sleep 0.2 && rmdir "$LOCKS/$MLSWEEP_PIPELINE_STEP"
`;
    const jobs = ['a', 'b', 'c', 'd', 'e'].map((s) => `  ${s}:\n    component: ./probe.yml\n`).join('');
    const dir = workspace('pipe-par', { 'probe.yml': probe, 'p.yml': `type: pipeline\njobs:\n${jobs}` });
    mkdirSync(join(dir, 'locks'));
    const store = openStore(dir);
    process.env['LOCKS'] = join(dir, 'locks');
    try {
      for (const bound of [1, 2]) {
        const result = await runPipeline(readPipelineFile(join(dir, 'p.yml'), { store }), {
          store,
          maxParallel: bound,
        });
        assert.equal(result.status, 'completed');
        const seen = result.steps.map((s) => Number(readFileSync(join(s.outputs['out']!, 'n'), 'utf8')));
        assert.ok(Math.max(...seen) <= bound, `at most ${bound} at once, saw ${seen.join(',')}`);
      }
    } finally {
      delete process.env['LOCKS'];
      store.close();
    }
  });
});
