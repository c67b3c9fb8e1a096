// `npm run bench [-- NAME...]`: runs benchmarks/*.bench.ts and those in `registered` (or
// those whose name contains one of the arguments), each in its own process so that one benchmark's
// garbage and JIT state do not colour the next. Each writes benchmarks/results/NAME.json.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);
/** Benchmarks run by name rather than by the .bench.ts suffix. */
const registered = ['histogram-roofline.ts'];
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') || registered.includes(f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`no benchmark matches ${filters.join(', ')}`);
  process.exit(1);
}
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${file}`], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
