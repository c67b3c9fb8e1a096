// Splits a CSV (header + rows) into train.csv and test.csv, shuffled by a seed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    raw: { type: 'string' },
    'test-fraction': { type: 'string', default: '0.2' },
    seed: { type: 'string', default: '0' },
    train: { type: 'string' },
    test: { type: 'string' },
  },
});
const [header, ...rows] = readFileSync(values.raw, 'utf8').trim().split(/\r?\n/);
// mulberry32: a small seeded generator, so the split is the same on every run.
let state = Number(values.seed) >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
for (let i = rows.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [rows[i], rows[j]] = [rows[j], rows[i]];
}
const nTest = Math.round(rows.length * Number(values['test-fraction']));
mkdirSync(values.train, { recursive: true });
mkdirSync(values.test, { recursive: true });
writeFileSync(join(values.train, 'train.csv'), `${[header, ...rows.slice(nTest)].join('\n')}\n`);
writeFileSync(join(values.test, 'test.csv'), `${[header, ...rows.slice(0, nTest)].join('\n')}\n`);
console.log(`##mlsweep ${JSON.stringify({ train_rows: rows.length - nTest, test_rows: nTest })}`);
