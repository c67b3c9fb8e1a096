import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, ValidationError } from '../../src/core/errors.ts';
import {
  chooseValidation,
  groupKFold,
  holdout,
  kFold,
  loadFixedSplits,
  stratifiedKFold,
} from '../../src/data/splits.ts';

function coversOnce(splits: { train: Int32Array; test: Int32Array }[], n: number): void {
  const seen = new Int32Array(n);
  for (const s of splits) {
    for (const i of s.test) seen[i]!++;
    assert.equal(s.train.length + s.test.length, n);
    const train = new Set(s.train);
    for (const i of s.test) assert.ok(!train.has(i));
  }
  assert.ok(seen.every((c) => c === 1));
}

test('k-fold covers every row once, deterministically by seed', () => {
  const a = kFold(23, 5, 7);
  coversOnce(a, 23);
  assert.deepEqual(kFold(23, 5, 7), a);
  assert.notDeepEqual(kFold(23, 5, 8), a);
  assert.throws(() => kFold(3, 5), ValidationError);
});

test('stratified k-fold keeps class proportions in every fold', () => {
  const labels = Array.from({ length: 100 }, (_, i) => (i < 80 ? 'a' : 'b'));
  const splits = stratifiedKFold(labels, 5, 1);
  coversOnce(splits, 100);
  for (const s of splits) {
    assert.equal(s.test.length, 20);
    assert.equal([...s.test].filter((i) => labels[i] === 'b').length, 4);
  }
});

test('grouped k-fold never splits a group', () => {
  const groups = Array.from({ length: 50 }, (_, i) => `g${i % 7}`);
  const splits = groupKFold(groups, 3);
  coversOnce(splits, 50);
  for (const s of splits) {
    const testGroups = new Set([...s.test].map((i) => groups[i]));
    for (const i of s.train) assert.ok(!testGroups.has(groups[i]));
  }
});

test('holdout takes the fraction, per class when stratified', () => {
  const labels = Array.from({ length: 50 }, (_, i) => (i % 5 === 0 ? 1 : 0));
  const s = holdout(50, 0.2, 3, labels);
  assert.equal(s.test.length, 10);
  assert.equal([...s.test].filter((i) => labels[i] === 1).length, 2);
  assert.throws(() => holdout(10, 1.5), ValidationError);
});

test('fixed splits read from datasets/splits', () => {
  const splits = loadFixedSplits('datasets/splits/iris.json', 150);
  assert.equal(splits.length, 5);
  coversOnce(splits, 150);
  assert.throws(() => loadFixedSplits('datasets/splits/iris.json', 151), ConfigError);
});

test('validation is chosen from the number of rows, as Azure AutoML does', () => {
  assert.deepEqual(chooseValidation(500), { type: 'cv', folds: 10 });
  assert.deepEqual(chooseValidation(999), { type: 'cv', folds: 10 });
  assert.deepEqual(chooseValidation(1000), { type: 'cv', folds: 3 });
  assert.deepEqual(chooseValidation(5000), { type: 'cv', folds: 3 });
  assert.deepEqual(chooseValidation(20_000), { type: 'holdout', testFraction: 0.1 });
});
