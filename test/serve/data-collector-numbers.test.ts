// collect/number-text.ts writes numbers as String(x) would, by its own shortcut for the
// common ones: held to String(x) byte for byte over every kind of double.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { writeNumber } from '../../src/serve/collect/number-text.ts';

const buffer = Buffer.alloc(64);
const text = (x: number) => buffer.toString('latin1', 0, writeNumber(buffer, 0, x));

describe('writeNumber', () => {
  it('writes any finite double as String(x) does (property, seeded)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        assert.equal(text(x), String(x));
      }),
      { seed: 18, numRuns: 20_000 },
    );
  });

  it('writes decimals of every length and magnitude as String(x) does (property, seeded)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
        fc.integer({ min: 0, max: 22 }),
        (n, d) => {
          const x = n / 10 ** d;
          assert.equal(text(x), String(x));
        },
      ),
      { seed: 18, numRuns: 20_000 },
    );
  });

  it('writes the edges as String(x) does', () => {
    const edges = [
      0,
      -0,
      1,
      -1,
      0.1,
      0.2 + 0.1,
      1e-6,
      1e-7,
      9.99999e-7,
      1.5e-6,
      0.000001234567890123,
      999999999999999,
      1e15,
      1e15 - 1,
      123456789012345.6,
      12345678901234.56,
      1e21,
      1e-300,
      5e-324,
      Number.MAX_SAFE_INTEGER,
      Number.MAX_VALUE,
      Number.EPSILON,
      4.35,
      0.5e-6,
      100,
      1234.5,
      -0.000123,
    ];
    for (const x of edges) assert.equal(text(x), String(x), `${x}`);
  });
});
