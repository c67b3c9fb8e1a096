import assert from 'node:assert/strict';
import { test } from 'node:test';
import { didYouMean, didYouMeanAfterList } from '../../src/space/nearest.ts';

test('didYouMean names the close candidate, and nothing when none is close', () => {
  assert.equal(didYouMean('unifrom', ['uniform', 'normal']), " did you mean 'uniform'?");
  assert.equal(didYouMean('zzzzzzzz', ['uniform', 'normal']), '');
});

test('didYouMeanAfterList puts the separator only before a suggestion', () => {
  assert.equal(didYouMeanAfterList('unifrom', ['uniform', 'normal']), "; did you mean 'uniform'?");
  assert.equal(didYouMeanAfterList('zzzzzzzz', ['uniform', 'normal']), '');
});
