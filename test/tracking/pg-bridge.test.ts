// The synchronous PostgreSQL bridge without a server: what the caller sees when the
// bridge's connection thread is gone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { StoreConnectionError } from '../../src/core/errors.ts';
import { PgBridge } from '../../src/tracking/pg-bridge.ts';

describe('PgBridge', () => {
  it('fails a call with a StoreConnectionError, instead of waiting for ever, once its thread has ended', async () => {
    // port 1: nothing listens, and nothing is asked of it before the thread is stopped
    const bridge = new PgBridge('postgresql://me@127.0.0.1:1/nowhere');
    await (bridge as unknown as { worker: Worker }).worker.terminate();
    assert.throws(
      () => bridge.query('SELECT 1', []),
      (e: unknown) =>
        e instanceof StoreConnectionError &&
        /127\.0\.0\.1:1: the connection thread has ended; open the store again/.test(e.message),
    );
    // closing a bridge whose thread has ended ends nothing more and does not throw
    bridge.close();
    assert.throws(() => bridge.query('SELECT 1', []), /this connection is closed/);
  });
});
