// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Azure's ${{...}} placeholders and the shell's ${...}
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expandOptional, renderCommand } from '../../src/pipeline/command-template.ts';
import { readComponentFile } from '../../src/pipeline/component.ts';
import {
  createComponent,
  getComponent,
  listComponents,
  resolveComponentRef,
} from '../../src/pipeline/component-registry.ts';
import { openStore, workspace } from './helpers.ts';

const PREP = `$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
name: prep
display_name: Prepare
type: command
inputs:
  raw: { type: uri_file }
  rows: { type: integer, default: 10 }
  seed: { type: integer, optional: true }
outputs:
  out: { type: uri_folder }
code: ./src
command: >-
  node prep.mjs --raw \${{inputs.raw}} --rows \${{inputs.rows}} $[[--seed \${{inputs.seed}}]] --out \${{outputs.out}}
tags: { team: a }
`;

describe('command components', () => {
  it('reads Azure command component YAML: ports, defaults, optional, code, ignored keys', () => {
    const dir = workspace('comp', { 'prep.yml': PREP, 'src/prep.mjs': '' });
    const c = readComponentFile(join(dir, 'prep.yml'));
    assert.equal(c.name, 'prep');
    assert.equal(c.version, '');
    assert.deepEqual(c.inputs['rows'], { type: 'integer', optional: false, default: 10 });
    assert.equal(c.inputs['seed']!.optional, true);
    assert.equal(c.outputs['out']!.type, 'uri_folder');
    assert.equal(c.code, join(dir, 'src'));
    assert.deepEqual(c.ignored, ['tags']);
    assert.equal(c.isDeterministic, true);
  });

  it('names the line and column of a placeholder that names no input', () => {
    const dir = workspace('comp-bad', {
      'c.yml': 'name: c\ninputs:\n  a: { type: string }\ncommand: echo ${{inputs.b}}\n',
    });
    assert.throws(
      () => readComponentFile(join(dir, 'c.yml')),
      /c\.yml:line 4, column 1: command: \$\{\{inputs\.b\}\} names no input of the component \(a\)/,
    );
  });

  it('refuses an unknown key, a bad type and a default of the wrong type, each at its place', () => {
    const cases: [string, RegExp][] = [
      ['name: c\ncommand: x\nbogus: 1\n', /line 3, column 1: bogus: unknown key 'bogus'/],
      ['name: c\ncommand: x\ninputs:\n  a: { type: float }\n', /inputs\.a\.type: type must be one of/],
      [
        'name: c\ncommand: x\ninputs:\n  a: { type: integer, default: 1.5 }\n',
        /expected an integer, got 1\.5/,
      ],
    ];
    for (const [text, pattern] of cases) {
      const dir = workspace('comp-bad', { 'c.yml': text });
      assert.throws(() => readComponentFile(join(dir, 'c.yml')), pattern);
    }
  });

  it('drops an optional part whose input is absent and keeps it when present', () => {
    const t = 'train $[[--seed ${{inputs.seed}}]] --lr ${{inputs.lr}}';
    assert.equal(
      expandOptional(t, (n) => n === 'lr'),
      'train  --lr ${{inputs.lr}}',
    );
    assert.equal(
      expandOptional(t, () => true),
      'train --seed ${{inputs.seed}} --lr ${{inputs.lr}}',
    );
  });

  it('renders inputs and outputs as environment variables: no value reaches the shell as code', () => {
    const r = renderCommand(
      'echo ${{inputs.a}} > ${{outputs.o}}/x',
      { a: '$(id); rm -rf ~' },
      { o: '/tmp/o' },
    );
    assert.equal(r.command, 'echo "${MLSWEEP_ARG_1}" > "${MLSWEEP_ARG_2}"/x');
    assert.deepEqual(r.env, { MLSWEEP_ARG_1: '$(id); rm -rf ~', MLSWEEP_ARG_2: '/tmp/o' });
    assert.equal(r.display, "echo '$(id); rm -rf ~' > /tmp/o/x");
  });

  it('registers versions in the store and resolves azureml:name:version and @latest', () => {
    const dir = workspace('comp-reg', { 'prep.yml': PREP, 'src/prep.mjs': 'v1' });
    const store = openStore(dir);
    try {
      const v1 = createComponent(store, readComponentFile(join(dir, 'prep.yml')), 1000);
      assert.equal(v1.version, '1');
      // Same content again: the same version, nothing new.
      assert.equal(createComponent(store, { ...v1.spec, version: '1' }, 1500).createdAt, 1000);
      const changed = { ...readComponentFile(join(dir, 'prep.yml')), command: 'node prep.mjs --other' };
      const v2 = createComponent(store, changed, 2000);
      assert.equal(v2.version, '2');
      assert.notEqual(v2.hash, v1.hash);
      assert.throws(
        () => createComponent(store, { ...changed, command: 'x', version: '1' }),
        /already registered with other content/,
      );
      assert.equal(getComponent(store, 'prep', 'latest').version, '2');
      assert.equal(resolveComponentRef('azureml:prep:1', { store, cwd: dir }).spec.command, v1.spec.command);
      assert.equal(resolveComponentRef('azureml:prep@latest', { store, cwd: dir }).source, 'azureml:prep:2');
      assert.throws(
        () => resolveComponentRef('azureml:prep:9', { store, cwd: dir }),
        /no component prep:9 in the store \(versions: 1, 2\)/,
      );
      assert.deepEqual(
        listComponents(store).map((c) => `${c.name}:${c.version}`),
        ['prep:1', 'prep:2'],
      );
    } finally {
      store.close();
    }
  });
});
