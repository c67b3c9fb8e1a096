import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { withCliStore } from '../../src/cli/experiments.ts';
import type { SqliteStore } from '../../src/tracking/sqlite-store.ts';
import { tempDir } from '../tracking/helpers/temp.ts';

const options = { store: join(tempDir('with-cli-store'), 'mlruns') };

/** Counts the closes of the store `fn` is given. */
function counted(fn: (store: SqliteStore) => unknown): {
  closes: () => number;
  run: (store: SqliteStore) => unknown;
} {
  let closes = 0;
  return {
    closes: () => closes,
    run(store) {
      const close = store.close.bind(store);
      store.close = () => {
        closes++;
        close();
      };
      return fn(store);
    },
  };
}

describe('withCliStore', () => {
  it('returns what fn returns and closes the store once', () => {
    const c = counted((store) => store.searchRuns({ maxResults: 5 }).length);
    assert.equal(withCliStore(options, true, c.run), 0);
    assert.equal(c.closes(), 1);
  });

  it('closes the store when fn throws, and the error reaches the caller', () => {
    const c = counted(() => {
      throw new Error('boom');
    });
    assert.throws(() => withCliStore(options, false, c.run), /boom/);
    assert.equal(c.closes(), 1);
  });

  it('closes the store only once the promise fn returns has settled', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const c = counted(async (store) => {
      await gate;
      return store.searchRuns({ maxResults: 5 }).length;
    });
    const pending = withCliStore(options, false, c.run) as Promise<number>;
    await Promise.resolve();
    assert.equal(c.closes(), 0);
    release();
    assert.equal(await pending, 0);
    assert.equal(c.closes(), 1);
  });

  it('closes the store when the promise rejects', async () => {
    const c = counted(async () => {
      throw new Error('late');
    });
    await assert.rejects(withCliStore(options, false, c.run) as Promise<unknown>, /late/);
    assert.equal(c.closes(), 1);
  });
});
