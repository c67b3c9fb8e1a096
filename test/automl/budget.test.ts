// The Budget AutoML's steps share, driven by a clock of the test's own (no waiting).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Budget } from '../../src/automl/budget.ts';
import { ValidationError } from '../../src/core/errors.ts';

/** A budget on a clock the test moves, in seconds. */
function onClock(timeoutSeconds: number, signal?: AbortSignal) {
  let ms = 1000;
  const budget = new Budget({ timeoutSeconds, maxTrials: 5, now: () => ms, ...(signal ? { signal } : {}) });
  return { budget, advance: (seconds: number) => (ms += seconds * 1000) };
}

test('time: seconds left and elapsed follow the clock; exhausted when nothing is left beyond a reserve', () => {
  const { budget, advance } = onClock(100);
  assert.equal(budget.secondsLeft(), 100);
  advance(30);
  assert.equal(budget.elapsedSeconds(), 30);
  assert.equal(budget.secondsLeft(), 70);
  assert.equal(budget.exhausted(), false);
  assert.equal(budget.exhausted(70), true, 'a reserve of all the time left exhausts it');
  advance(71);
  assert.equal(budget.secondsLeft(), -1);
  assert.equal(budget.exhausted(), true);
  assert.equal(budget.stopReason, undefined, 'running out of time is for the search to act on');
});

test('the safety margin is 8% of the budget, 2 to 30 seconds', () => {
  assert.equal(onClock(100).budget.safetySeconds, 8);
  assert.equal(onClock(10).budget.safetySeconds, 2);
  assert.equal(onClock(3600).budget.safetySeconds, 30);
});

test('a rule of its own stops the search: the signal aborts, the first reason stands', () => {
  const { budget } = onClock(100);
  budget.stop('exit_score');
  budget.stop('budget');
  assert.equal(budget.signal.aborted, true);
  assert.equal(budget.stopReason, 'exit_score');
  assert.equal(budget.interrupted, false);
  assert.equal(budget.exhausted(), true);
});

test("the caller's signal interrupts the search while it is watched, and only then", () => {
  const caller = new AbortController();
  const { budget } = onClock(100, caller.signal);
  const unwatch = budget.watchInterrupts();
  caller.abort(new Error('enough'));
  assert.equal(budget.interrupted, true);
  assert.equal(budget.stopReason, 'interrupted');
  assert.equal(budget.signal.aborted, true);
  budget.stop('budget');
  assert.equal(budget.stopReason, 'interrupted');
  assert.throws(() => budget.throwIfInterrupted(), /enough/);
  unwatch();

  const late = new AbortController();
  const after = onClock(100, late.signal).budget;
  after.watchInterrupts()();
  late.abort();
  assert.equal(after.interrupted, false, 'an abort once the search is over is no interrupt');
  assert.doesNotThrow(() => after.throwIfInterrupted());
});

test('an interrupt after the search stopped by its own rule is not one; a signal aborted before is', () => {
  const caller = new AbortController();
  const { budget } = onClock(100, caller.signal);
  budget.watchInterrupts();
  budget.stop('early_termination');
  caller.abort();
  assert.equal(budget.stopReason, 'early_termination');
  assert.equal(budget.interrupted, false);

  const early = onClock(100, AbortSignal.abort('no')).budget;
  early.watchInterrupts();
  assert.equal(early.interrupted, true);
  assert.equal(early.signal.aborted, true);
});

test('completed trials are counted', () => {
  const { budget } = onClock(100);
  budget.countCompletedTrial();
  budget.countCompletedTrial();
  assert.equal(budget.trials, 2);
});

test('fromLimits: Azure defaults, limits in minutes, bad limits named', () => {
  const defaults = Budget.fromLimits();
  assert.equal(defaults.timeoutSeconds, 360 * 60);
  assert.equal(defaults.maxTrials, 1000);
  assert.equal(defaults.trialTimeoutSeconds, undefined);
  const b = Budget.fromLimits({ timeoutMinutes: 2, trialTimeoutMinutes: 0.5, maxTrials: 20 });
  assert.equal(b.timeoutSeconds, 120);
  assert.equal(b.trialTimeoutSeconds, 30);
  assert.equal(b.maxTrials, 20);
  for (const [limits, path] of [
    [{ timeoutMinutes: 0 }, 'limits.timeoutMinutes'],
    [{ trialTimeoutMinutes: -1 }, 'limits.trialTimeoutMinutes'],
    [{ maxTrials: 1.5 }, 'limits.maxTrials'],
    [{ maxConcurrentTrials: 0 }, 'limits.maxConcurrentTrials'],
  ] as const) {
    assert.throws(
      () => Budget.fromLimits(limits),
      (e: unknown) => e instanceof ValidationError && e.message.startsWith(path),
    );
  }
});
