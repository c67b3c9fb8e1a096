// A reader process of the concurrency test: searches the store over and over while the
// writers write, and prints how many searches it made.
import { SqliteStore } from '../../../src/tracking/sqlite-store.ts';

const [dir, ms] = process.argv.slice(2);
const deadline = Date.now() + Number(ms);
let searches = 0;
while (Date.now() < deadline) {
  try {
    const store = new SqliteStore({ dir: dir!, create: false });
    store.searchRuns({ filter: 'metrics.value >= 0', orderBy: ['metrics.value DESC'] });
    store.close();
    searches++;
  } catch (error) {
    if ((error as { code?: string }).code !== 'E_STORE_MISSING') throw error;
  }
}
process.stdout.write(String(searches));
