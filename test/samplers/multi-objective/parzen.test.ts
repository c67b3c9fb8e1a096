import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import {
  categoricalParzen,
  numericParzen,
  parzenWeights,
} from '../../../src/samplers/multi-objective/parzen.ts';

describe('parzen estimators (independent TPE densities)', () => {
  it("weights: 1 for the last 25 observations, Optuna's ramp before them", () => {
    assert.deepEqual(parzenWeights(3), [1, 1, 1]);
    const w = parzenWeights(30);
    assert.equal(w.length, 30);
    assert.ok(Math.abs(w[0]! - 1 / 30) < 1e-12);
    assert.ok(Math.abs(w[4]! - 1) < 1e-12);
    assert.deepEqual(w.slice(5), new Array(25).fill(1));
    for (let i = 1; i < 5; i++) assert.ok(w[i]! > w[i - 1]!);
  });

  it('the numeric density integrates to 1 on [0, 1] and peaks near the observations', () => {
    for (const mus of [
      [],
      [0.2],
      [0.1, 0.15, 0.2, 0.8],
      Array.from({ length: 40 }, (_, i) => ((i * 7) % 40) / 40),
    ]) {
      const p = numericParzen(mus);
      const steps = 20_000;
      let integral = 0;
      for (let k = 0; k < steps; k++) integral += Math.exp(p.logDensity((k + 0.5) / steps)) / steps;
      assert.ok(Math.abs(integral - 1) < 1e-3, `∫ = ${integral} for ${mus.length} observations`);
    }
    const p = numericParzen([0.1, 0.15, 0.2]);
    assert.ok(p.logDensity(0.15) > p.logDensity(0.7));
  });

  it('numeric draws stay in (0, 1) and follow the density', () => {
    const p = numericParzen([0.1, 0.12, 0.14]);
    const rng = seedrandom.alea('draws');
    let low = 0;
    for (let i = 0; i < 4000; i++) {
      const x = p.sample(rng);
      assert.ok(x > 0 && x < 1);
      if (x < 0.3) low++;
    }
    // Three of four components sit near 0.12 (σ 0.1–0.2); the prior spreads the rest.
    assert.ok(low / 4000 > 0.55, `share below 0.3: ${low / 4000}`);
  });

  it('categorical: prior mass 1/K per option plus each observation on its option', () => {
    const p = categoricalParzen([2, 2, 1], 3);
    // Masses 1/3, 4/3, 7/3 of 4.
    assert.ok(Math.abs(Math.exp(p.logDensity(0)) - 1 / 12) < 1e-12);
    assert.ok(Math.abs(Math.exp(p.logDensity(2)) - 7 / 12) < 1e-12);
    const rng = seedrandom.alea('cat');
    const counts = [0, 0, 0];
    for (let i = 0; i < 6000; i++) counts[p.sample(rng)]!++;
    assert.ok(Math.abs(counts[2]! / 6000 - 7 / 12) < 0.03, `${counts}`);
  });
});
