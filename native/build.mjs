#!/usr/bin/env node
// Builds the optional C++ addon with node-gyp. The addon is an accelerator, never a
// requirement: when the build fails (no compiler, CXX=false, missing headers) this
// script still exits 0, and records why in native/build-status.json so that
// `mlsweep doctor` can tell the user. Pass --strict to fail loudly instead (CI, dev).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const strict = process.argv.includes('--strict');
const statusFile = join(here, 'build-status.json');

if (process.env.MLSWEEP_SKIP_NATIVE === '1') {
  writeStatus(false, 'skipped: MLSWEEP_SKIP_NATIVE=1 was set at install time');
  process.exit(0);
}

// npm exposes the node-gyp it bundles through npm_config_node_gyp; outside npm, fall
// back to a node-gyp on PATH.
const gypScript = process.env.npm_config_node_gyp;
const [cmd, args] = gypScript ? [process.execPath, [gypScript, 'rebuild']] : ['node-gyp', ['rebuild']];
const started = Date.now();
const result = spawnSync(cmd, args, {
  cwd: here,
  encoding: 'utf8',
  env: { ...process.env, JOBS: process.env.JOBS ?? 'max' },
  stdio: ['ignore', 'pipe', 'pipe'],
});

if (result.status === 0) {
  writeStatus(true, `built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(0);
}
const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
// Name the compiler override, the usual culprit, before the log lines.
const compiler = process.env.CXX ? `CXX=${process.env.CXX}: ` : '';
const reason = result.error
  ? `could not run node-gyp: ${result.error.message}`
  : compiler + summarize(output);
writeStatus(false, reason);
process.stderr.write(
  `mlsweep: the native addon was not built (${reason}); the TypeScript backend will be used.\n`,
);
process.exit(strict ? 1 : 0);

/** Keeps the lines a user can act on: compiler errors and node-gyp's own verdict. */
function summarize(text) {
  const lines = text.split('\n').map((l) => l.trim());
  const useful = lines.filter((l) => /error|not found|No such file|false/i.test(l) && !/^gyp info/.test(l));
  return (useful.slice(0, 4).join(' | ') || 'node-gyp failed').slice(0, 600);
}

function writeStatus(built, reason) {
  writeFileSync(
    statusFile,
    `${JSON.stringify({ built, reason, node: process.version, at: new Date().toISOString() }, null, 2)}\n`,
  );
}
