import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, ValidationError } from '../../src/core/errors.ts';
import {
  cacheRoot,
  curatedEnvironments,
  EnvironmentBuildError,
  Environments,
  environmentTags,
  readEnvironmentFile,
  resolveEnvironment,
} from '../../src/environment/index.ts';
import { tempDir } from '../tracking/helpers/temp.ts';
import { fakeExecutable, newStore, noVenv } from './helpers.ts';

const major = process.version.slice(1).split('.')[0];

describe('resolveEnvironment', () => {
  it('gives the curated environment of the running Node for undefined: identity wrap, no variables', async () => {
    const { store } = newStore('env-curated');
    try {
      const env = await resolveEnvironment(undefined, { store });
      assert.equal(env.name, `mlsweep-node-${major}`);
      assert.equal(env.version, process.version.slice(1));
      assert.match(env.hash, /^[0-9a-f]{64}$/);
      assert.deepEqual(env.wrap(['node', '-e', '1']), ['node', '-e', '1']);
      assert.deepEqual(env.env, {});
      assert.equal(env.builtNow, false);
      const byRef = await resolveEnvironment(`azureml:mlsweep-node-${major}@latest`, { store });
      assert.equal(byRef.hash, env.hash);
      assert.equal((await resolveEnvironment(`mlsweep-node-${major}`, { store })).hash, env.hash);
      assert.deepEqual(environmentTags(env), {
        'mlsweep.environment': `${env.name}:${env.version}`,
        'mlsweep.environment.name': env.name,
        'mlsweep.environment.version': env.version,
        'mlsweep.environment.hash': env.hash,
      });
    } finally {
      store.close();
    }
  });

  it('refuses an image when neither docker nor podman is on PATH, in one line naming both', async () => {
    const { store } = newStore('env-noimage');
    const empty = tempDir('empty-path');
    try {
      await assert.rejects(
        resolveEnvironment(
          { name: 'img', version: '1', image: 'python:3.11-slim' },
          { store, env: { PATH: empty } },
        ),
        (error: unknown) =>
          error instanceof EnvironmentBuildError &&
          error.code === 'E_ENV_NO_RUNTIME' &&
          /img:1: image python:3.11-slim needs docker or podman on PATH, and neither was found/.test(
            error.message,
          ) &&
          !error.message.includes('\n'),
      );
    } finally {
      store.close();
    }
  });

  it('runs an image under podman when it is the runtime found, the folder mounted and variables passed by name', async () => {
    const { store } = newStore('env-podman');
    const bin = fakeExecutable(tempDir('podman-bin'), 'podman');
    try {
      const env = await resolveEnvironment(
        { name: 'img', image: 'node:20', environment_variables: { MODE: 'fast' } },
        { store, cwd: '/data/project', env: { PATH: bin } },
      );
      assert.equal(env.kind, 'image');
      const argv = env.wrap(['node', 'train.js'], ['MLSWEEP_TRIAL_ID']);
      assert.deepEqual(argv, [
        join(bin, 'podman'),
        'run',
        '--rm',
        '-v',
        '/data/project:/data/project',
        '-w',
        '/data/project',
        '-e',
        'MODE=fast',
        '-e',
        'MLSWEEP_TRIAL_ID',
        'node:20',
        'node',
        'train.js',
      ]);
      // the fake runtime prints what it was given: the argv runs as is, no shell
      const out = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
      assert.match(out.stdout, /run --rm -v \/data\/project:\/data\/project .* node:20 node train.js/);
    } finally {
      store.close();
    }
  });

  it('refuses a conda file with conda-only packages, naming them, before building anything', async () => {
    const { store, dir } = newStore('env-condaonly');
    try {
      await assert.rejects(
        resolveEnvironment(
          {
            name: 'gpu',
            conda_file: {
              channels: ['nvidia'],
              dependencies: ['python=3.11', 'cudatoolkit=11.8', 'numpy', 'r-base', { pip: ['requests'] }],
            },
          },
          { store },
        ),
        (error: unknown) =>
          error instanceof ConfigError &&
          /cudatoolkit=11.8, r-base are conda-only packages that pip cannot install/.test(error.message),
      );
      assert.equal(existsSync(cacheRoot(dir)), false, 'nothing was built');
    } finally {
      store.close();
    }
  });

  it('says clearly when pip cannot reach a package index, and leaves no half-built environment', {
    skip: noVenv,
  }, async () => {
    const { store, dir } = newStore('env-noindex');
    try {
      await assert.rejects(
        resolveEnvironment(
          {
            name: 'py',
            version: '2',
            conda_file: { dependencies: ['python=3.11', { pip: ['mlsweep-surely-absent-pkg==1.0'] }] },
          },
          {
            store,
            // a closed local port as the only index: refused at once, whatever the network
            env: {
              PATH: process.env.PATH,
              HOME: process.env.HOME,
              PIP_INDEX_URL: 'http://127.0.0.1:9/simple',
              PIP_CONFIG_FILE: '/dev/null',
            },
          },
        ),
        (error: unknown) =>
          error instanceof EnvironmentBuildError &&
          error.code === 'E_ENV_NO_INDEX' &&
          /environment py:2: pip cannot reach a package index from this machine/.test(error.message),
      );
      const left = existsSync(cacheRoot(dir))
        ? spawnSync('ls', ['-A', cacheRoot(dir)], { encoding: 'utf8' }).stdout
        : '';
      assert.equal(left.trim(), '', 'no temp folder, no lock, no entry left');
    } finally {
      store.close();
    }
  });

  it('realises a conda file as a venv whose python and scripts work from the cache folder', {
    skip: noVenv,
  }, async () => {
    const { store } = newStore('env-venv');
    try {
      const env = await resolveEnvironment(
        {
          name: 'py',
          conda_file: { dependencies: ['python=3.11', 'pip'] },
          environment_variables: { ANSWER: 42 },
        },
        { store },
      );
      assert.equal(env.kind, 'conda');
      assert.equal(env.builtNow, true);
      assert.equal(env.env.ANSWER, '42');
      const run = (argv: string[]) =>
        spawnSync(argv[0]!, argv.slice(1), { env: { ...process.env, ...env.env }, encoding: 'utf8' });
      const prefix = run(
        env.wrap(['python', '-c', 'import sys, os; print(sys.prefix); print(os.environ["ANSWER"])']),
      );
      assert.equal(prefix.status, 0, prefix.stderr);
      assert.deepEqual(prefix.stdout.trim().split('\n'), [join(env.path!, 'venv'), '42']);
      // pip's script names the final folder, not the temporary one it was built in
      const pip = run(['pip', '--version']);
      assert.equal(pip.status, 0, pip.stderr);
      assert.ok(pip.stdout.includes(join(env.path!, 'venv')), pip.stdout);
      const again = await resolveEnvironment(
        {
          name: 'py-other-name',
          conda_file: { dependencies: ['python=3.11', 'pip'] },
          environment_variables: { ANSWER: 42 },
        },
        { store },
      );
      assert.equal(again.builtNow, false, 'the same content under another name reuses the build');
      assert.equal(again.path, env.path);
    } finally {
      store.close();
    }
  });

  it('names a path that is neither a reference nor a file', async () => {
    const { store } = newStore('env-badref');
    try {
      await assert.rejects(
        resolveEnvironment('nope.yml', { store, cwd: '/tmp' }),
        (error: unknown) =>
          error instanceof ValidationError &&
          /environment "nope.yml": neither azureml:NAME:VERSION/.test(error.message),
      );
      await assert.rejects(resolveEnvironment('azureml:ghost:1', { store }), /no environment named 'ghost'/);
    } finally {
      store.close();
    }
  });
});

describe('environment files and the registry', () => {
  it('reads an env.yml with a relative conda file, notes ignored keys, and registers versions', () => {
    const dir = tempDir('env-yml');
    mkdirSync(join(dir, 'env'));
    writeFileSync(
      join(dir, 'env', 'conda.yml'),
      'channels: [conda-forge]\ndependencies:\n  - python=3.11\n  - numpy=1.26\n  - pip:\n    - requests>=2\n',
    );
    writeFileSync(
      join(dir, 'env', 'env.yml'),
      '$schema: https://azuremlschemas.azureedge.net/latest/environment.schema.json\nname: py-numpy\nimage: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04\nconda_file: conda.yml\ntags: {team: ml}\ndescription: numpy and requests\n',
    );
    const read = readEnvironmentFile(join(dir, 'env', 'env.yml'));
    assert.equal(read.definition.kind, 'conda');
    assert.deepEqual(read.definition.conda, {
      python: '3.11',
      conda: ['numpy==1.26.*'],
      pip: ['requests>=2'],
    });
    assert.deepEqual(read.ignored, ['$schema', 'tags', 'image (the conda file is realised as a local venv)']);
    assert.equal(read.versionGiven, false);

    const { store } = newStore('env-registry');
    try {
      const envs = new Environments(store, { clock: () => 1000 });
      assert.equal(envs.register(read.definition, false).version, '1');
      const second = envs.register(read.definition, false);
      assert.equal(second.version, '2');
      assert.equal(second.built, false);
      assert.equal(envs.get('py-numpy', 'latest').version, '2');
      assert.throws(() => envs.register({ ...read.definition, version: '2' }, true), /already has version 2/);
      assert.throws(
        () => envs.register({ ...curatedEnvironments()[0]!, curated: false }, true),
        /is a curated environment/,
      );
      assert.deepEqual(
        envs.list().map((e) => `${e.name}:${e.version}:${e.kind}:${e.built}`),
        [
          `mlsweep-node-${major}:${process.version.slice(1)}:node:true`,
          'py-numpy:1:conda:false',
          'py-numpy:2:conda:false',
        ],
      );
      assert.throws(() => envs.get('py-numpy', '9'), /has no version 9 \(it has 1, 2\)/);
    } finally {
      store.close();
    }
  });

  it('points at the line of a bad key', () => {
    const dir = tempDir('env-bad');
    writeFileSync(
      join(dir, 'env.yml'),
      'name: x\nimage: python:3\nenvironment_variables:\n  "bad name": 1\n',
    );
    assert.throws(
      () => readEnvironmentFile(join(dir, 'env.yml')),
      /env.yml:line 3: environment_variables: environment variable name "bad name" is not a valid name/,
    );
    writeFileSync(join(dir, 'env2.yml'), 'name: x\n');
    assert.throws(
      () => readEnvironmentFile(join(dir, 'env2.yml')),
      /needs one of image, conda_file or build/,
    );
  });
});
