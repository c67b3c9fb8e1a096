import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CsvTokenizer } from '../../../src/data/tokenizer.ts';
import { planMiniBatches, splitFile } from '../../../src/serve/batch/plan.ts';
import { tempDir } from './helpers.ts';

/** The records of a piece of a file, with their line numbers in the whole file. */
function records(file: string, start: number, end: number, firstLine: number): Array<[number, string[]]> {
  const text = readFileSync(file).subarray(start, end).toString('utf8');
  const t = new CsvTokenizer(',');
  return [...t.push(text), ...t.end()].map((r) => [firstLine - 1 + r.line, r.fields]);
}

describe('mini-batch plan', () => {
  it('groups files by count, or by bytes; a file beyond the piece size stands alone, split', () => {
    const dir = tempDir('plan');
    const files = ['a', 'b', 'c', 'd', 'e'].map((n, i) => {
      const file = join(dir, `${n}.csv`);
      writeFileSync(file, `x\n${'1\n'.repeat(i === 2 ? 400 : 10)}`);
      return file;
    });
    const byCount = planMiniBatches(files, { miniBatchSize: 2, maxPieceBytes: 1 << 20, split: true });
    assert.deepEqual(
      byCount.map((m) => m.pieces.map((p) => p.file.slice(-5))),
      [['a.csv', 'b.csv'], ['c.csv', 'd.csv'], ['e.csv']],
    );
    const split = planMiniBatches(files, { miniBatchSize: 2, maxPieceBytes: 300, split: true });
    assert.deepEqual(
      split.map((m) => m.pieces.map((p) => p.file.slice(-5))),
      [['a.csv', 'b.csv'], ['c.csv'], ['c.csv'], ['c.csv'], ['d.csv', 'e.csv']],
    );
    assert.deepEqual(
      split.map((m) => m.index),
      [0, 1, 2, 3, 4],
    );
    const whole = planMiniBatches(files, { miniBatchSize: 2, maxPieceBytes: 300, split: false });
    assert.equal(whole.length, 3);
    const bySize = planMiniBatches(files, {
      miniBatchSize: 1,
      miniBatchBytes: 50,
      maxPieceBytes: 50,
      split: true,
    });
    assert.ok(bySize.every((m) => m.bytes <= 50 || m.pieces.length === 1));
  });

  it('splitFile cuts only between records, whatever quotes and line breaks the fields hold (property)', () => {
    const dir = tempDir('split');
    const cell = fc.oneof(
      fc.constantFrom('a', 'b,c', 'x\ny', 'say ""hi""', '', '1.5'),
      fc.string({ maxLength: 6 }).filter((s) => !/[\r"]/.test(s)),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 80 }),
        (rows, target) => {
          const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
          const file = join(dir, 'f.csv');
          writeFileSync(file, `h1,h2\n${rows.map((r) => r.map(quote).join(',')).join('\n')}\n`);
          const size = statSync(file).size;
          const pieces = splitFile(file, size, target);
          assert.equal(pieces[0]!.start, 0);
          assert.equal(pieces[pieces.length - 1]!.end, size);
          for (let i = 1; i < pieces.length; i++) assert.equal(pieces[i]!.start, pieces[i - 1]!.end);
          const all = records(file, 0, size, 1);
          const joined = pieces.flatMap((p) => records(file, p.start, p.end, p.firstLine));
          assert.deepEqual(joined, all);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });
});
