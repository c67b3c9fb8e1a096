import { PostgresLocation } from '../../src/store/postgres/location.ts';
import { startPostgres } from '../helpers/postgres.ts';

const c = await startPostgres();
const at = new Date().toISOString();
const choose = ({ trials }: any) => ({ params: { x: trials.length } });
const end = { status: 'completed', value: 1, endedAt: at } as const;
try {
  const url = await c.createDatabase();
  const loc = new PostgresLocation(url);
  const s = await loc.create({ objective: { goal: 'minimize', primaryMetric: 'loss' } });
  for (let i = 0; i < 200; i++) await s.claimTrial(choose, at); // warm
  const N = 3000;
  let t0 = performance.now();
  for (let i = 0; i < N; i++) await s.claimTrial(choose, at);
  console.log('claims/s, 1 connection', ((N / (performance.now() - t0)) * 1000).toFixed(0));
  t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const t = await s.claimTrial(choose, at);
    await s.settleTrial(t.id, end);
  }
  console.log('claim+settle/s, 1 connection', ((N / (performance.now() - t0)) * 1000).toFixed(0));
  t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const t = await s.claimTrial(choose, at);
    await s.addMetric(t.id, 'loss', { step: 0, value: i });
    await s.settleTrial(t.id, end);
  }
  console.log('claim+metric+settle/s, 1 connection', ((N / (performance.now() - t0)) * 1000).toFixed(0));
  console.log('trials now', (await s.trials()).length);
  // 8 claimers on 8 locations (8 pools), one sweep
  const locs = Array.from({ length: 8 }, () => new PostgresLocation(url));
  const stores = await Promise.all(locs.map((l) => l.open(s.sweepId)));
  await Promise.all(stores.map((st) => st.trials()));
  t0 = performance.now();
  const per = 500;
  await Promise.all(
    stores.map(async (st) => {
      for (let i = 0; i < per; i++) {
        const t = await st.claimTrial(choose, at);
        await st.settleTrial(t.id, end);
      }
    }),
  );
  console.log('claim+settle/s, 8 connections', (((8 * per) / (performance.now() - t0)) * 1000).toFixed(0));
  for (const l of locs) await l.close();
  await loc.close();
} finally {
  await c.destroy();
}
