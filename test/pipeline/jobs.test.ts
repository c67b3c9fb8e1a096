import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { TAG } from '../../src/pipeline/job-tags.ts';
import { listJobs, requestCancel, showJob } from '../../src/pipeline/jobs.ts';
import { openStore, workspace } from './helpers.ts';

describe('job records', () => {
  it('cancel of a job whose runner is gone marks it and its running steps canceled at once; a live runner only gets the request', () => {
    const store = openStore(workspace('pipe-jobs', {}));
    try {
      const make = (host: string) => {
        const parent = store.createRun({
          name: 'p',
          tags: { [TAG.type]: 'pipeline', [TAG.pid]: '424242', [TAG.host]: host, [TAG.displayName]: 'p' },
        });
        const child = store.createRun({
          parentRunId: parent.id,
          tags: { [TAG.type]: 'pipeline_step', [TAG.step]: 'a', [TAG.status]: 'running' },
        });
        return { parent, child };
      };
      const gone = make(hostname());
      assert.equal(
        requestCancel(store, gone.parent.id, () => false),
        true,
      );
      assert.equal(store.run(gone.parent.id).status, 'KILLED');
      assert.equal(store.run(gone.child.id).status, 'KILLED');
      assert.equal(showJob(store, gone.parent.id).steps[0]!.status, 'canceled');
      assert.equal(
        requestCancel(store, gone.parent.id, () => false),
        false,
        'not running any more',
      );

      const alive = make(hostname());
      requestCancel(store, alive.parent.id, () => true);
      assert.equal(store.run(alive.parent.id).status, 'RUNNING');
      assert.equal(store.run(alive.parent.id).tags[TAG.cancel], 'true');

      const elsewhere = make('another-host');
      requestCancel(store, elsewhere.parent.id, () => false);
      assert.equal(
        store.run(elsewhere.parent.id).status,
        'RUNNING',
        'a runner on another machine reads the request',
      );

      assert.equal(listJobs(store).length, 3);
      assert.throws(() => requestCancel(store, gone.child.id), /is not a pipeline job/);
    } finally {
      store.close();
    }
  });
});
