// Test doubles for the engine tests: a seeded sampler over one uniform parameter `x` in
// [0, 1) (and a grid sampler that runs out), with no dependency on src/samplers.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import seedrandom from 'seedrandom';
import type { ParamSet } from '../../src/core/trial.ts';
import type { Sampler, Suggestion, TrialHistory } from '../../src/samplers/types.ts';
import type { SearchSpace } from '../../src/space/types.ts';

const space = {} as SearchSpace;

/** A seeded sampler: x uniform in [0, 1), optionally remembering every history it saw. */
export function uniformSampler(seed: number, seen?: TrialHistory[]): Sampler {
  const rng = seedrandom(String(seed));
  return {
    name: 'test-uniform',
    space,
    suggest(history): Suggestion {
      seen?.push({ ...history, trials: [...history.trials], pending: [...history.pending] });
      return { params: { x: rng() } };
    },
  };
}

/** A sampler that suggests the given parameter sets in order, then is exhausted. */
export function listSampler(sets: ParamSet[]): Sampler {
  let next = 0;
  return {
    name: 'test-list',
    space,
    suggest(): Suggestion {
      const params = sets[next++];
      return params ? { params } : { exhausted: true };
    },
  };
}

/** `node -e SCRIPT` as a shell command line, portable across machines. */
export function nodeCommand(script: string): string {
  return `${JSON.stringify(process.execPath)} -e ${shellWord(script)}`;
}

function shellWord(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Whether a process runs: zombies (killed, not yet reaped by their parent) count as gone. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return !existsSync('/proc');
  }
}

/** Waits for a condition that another process brings about (30 s at most), then asserts it. */
export async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !check(); i++) await sleep(50);
  assert.ok(check(), 'the condition came true');
}
