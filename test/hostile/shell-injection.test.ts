// biome-ignore-all lint/suspicious/noTemplateCurlyInString: command trials use Azure's ${{...}} placeholders
/**
 * Hostile values for a command trial's placeholders: whatever the value and wherever the
 * user put the placeholder (bare, in '...', in "...", in $(...) or backquotes), the real
 * /bin/sh runs no part of it, and the program gets it byte for byte.
 */

import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, it } from 'node:test';
import fc from 'fast-check';
import type { ParamSet } from '../../src/core/trial.ts';
import type { TrialOutput } from '../../src/store/records.ts';
import { commandRunner } from '../../src/sweep/runners/command.ts';
import type { CommandTrial } from '../../src/sweep/types.ts';
import { tempDir } from './helpers.ts';

const scratch = tempDir('injection');
/** Trials run in `scratch`: a value that ran as code would create this file. */
const canary = join(scratch, 'pwned');

/**
 * Where a placeholder may sit: the command prints what its program received, each
 * argument followed by a NUL (no value can hold one), and `expected` says what that must be.
 * The command substitutions end their output with '.', which they keep (a shell strips
 * trailing newlines from a command substitution, a value's included).
 */
const positions = {
  unquoted: { command: "printf '%s\\0' ${{search_space.x}}", expected: (v: string) => `${v}\0` },
  'single-quoted': { command: "printf '%s\\0' '${{search_space.x}}'", expected: (v: string) => `${v}\0` },
  'double-quoted': { command: `printf '%s\\0' "\${{search_space.x}}"`, expected: (v: string) => `${v}\0` },
  'inside a single-quoted word': {
    command: "printf '%s\\0' --x='<${{search_space.x}}>'",
    expected: (v: string) => `--x=<${v}>\0`,
  },
  'inside a double-quoted word': {
    command: `printf '%s\\0' "--x=<\${{search_space.x}}>" after`,
    expected: (v: string) => `--x=<${v}>\0after\0`,
  },
  'in $(...), bare and single-quoted': {
    command: `printf '%s\\0' "$(printf '%s.' \${{search_space.x}} '\${{search_space.x}}')"`,
    expected: (v: string) => `${v}.${v}.\0`,
  },
  'in quotes in backquotes': {
    command: "printf '%s\\0' \"`printf '%s.' '${{search_space.x}}'`\"",
    expected: (v: string) => `${v}.\0`,
  },
} as const;
type Position = keyof typeof positions;

let nextId = 0;

/** Runs one trial through the command runner (the real /bin/sh): what it kept of its output. */
async function runTrial(trial: CommandTrial, params: ParamSet): Promise<TrialOutput> {
  let output: TrialOutput | undefined;
  await commandRunner({ code: scratch, outputDir: join(scratch, 'trials'), ...trial }, 1000).run({
    trialId: nextId++,
    params,
    report: () => {},
    signal: new AbortController().signal,
    killSignal: new AbortController().signal,
    keepOutput: (kept) => (output = kept),
  });
  return output!;
}

async function assertSafe(position: Position, value: string): Promise<void> {
  const { command, expected } = positions[position];
  const printed = readFileSync(join((await runTrial({ command }, { x: value })).dir!, 'stdout.log'));
  assert.equal(existsSync(canary), false, `${JSON.stringify(value)} ${position} ran as code`);
  assert.deepEqual(
    printed,
    Buffer.from(expected(value)),
    `${JSON.stringify(value)} ${position} did not arrive intact`,
  );
}

const attacks = [
  '1; touch pwned',
  '$(touch pwned)',
  '`touch pwned`',
  "'; touch pwned; '",
  '"; touch pwned; "',
  '1\ntouch pwned',
  "x' && touch pwned && echo '",
  'x" && touch pwned && echo "',
  '$(touch pwned)\\',
  '\'"$(touch pwned)"\'',
];

describe('command trial values never reach the shell as code', () => {
  // A test that fails leaves no canary for the next one to trip on.
  beforeEach(() => rmSync(canary, { force: true }));

  for (const position of Object.keys(positions) as Position[]) {
    it(`a placeholder ${position}`, async () => {
      for (const value of attacks) await assertSafe(position, value);
    });
  }

  it('an input placeholder, and a path input, the same way', async () => {
    const output = await runTrial(
      {
        command: `printf '%s\\0' '\${{inputs.label}}' "\${{inputs.data}}"`,
        inputs: { label: '$(touch pwned)', data: { path: '/data/a b; touch pwned.csv' } },
      },
      {},
    );
    assert.equal(existsSync(canary), false);
    assert.equal(readFileSync(output.logs!.stdout, 'utf8'), '$(touch pwned)\0/data/a b; touch pwned.csv\0');
  });

  it('records a readable command line, values written in', async () => {
    const output = await runTrial({ command: "echo '${{search_space.x}}'" }, { x: "it's; touch pwned" });
    assert.equal(output.command, "echo 'it'\\''s; touch pwned'");
    assert.equal(output.stdout, "it's; touch pwned\n");
    assert.equal(existsSync(canary), false);
  });

  it('property: any value, in any quoting, arrives byte for byte and runs nothing', async () => {
    const fragments = [
      ...`'"$\`;|&<>(){}\n\\ *?~#=!%[]`,
      'touch pwned',
      '$(touch pwned)',
      '`touch pwned`',
      ';touch pwned;',
      '${IFS}',
      '$HOME',
    ];
    const noNul = (s: string) => !s.includes('\0');
    const value = fc.oneof(
      fc.array(fc.constantFrom(...fragments), { maxLength: 12 }).map((parts) => parts.join('')),
      fc.string({ unit: 'binary', maxLength: 20 }).filter(noNul),
      fc.string({ unit: 'grapheme', maxLength: 10 }),
      fc.string({ unit: 'binary-ascii', maxLength: 20 }).filter(noNul),
    );
    const position = fc.constantFrom(...(Object.keys(positions) as Position[]));
    await fc.assert(
      fc.asyncProperty(value, position, async (v, p) => {
        await assertSafe(p, v);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});
