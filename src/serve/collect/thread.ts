/**
 * The data collectors' writer thread: one per process, holding the writing half
 * (collect/core.ts) of every collector, so that serializing records and appending them
 * to files never takes the event loop that answers requests (see writer.ts).
 */
import { parentPort } from 'node:worker_threads';
import { CollectorCore } from './core.ts';
import type { FromWriter, ToWriter } from './protocol.ts';

const port = parentPort!;
const send = (message: FromWriter) => port.postMessage(message);

/** How long serialized counts wait to be reported: one message per collector this often, not one per slice. */
const REPORT_MS = 20;

interface Entry {
  core: CollectorCore;
  now: number;
  /** Records and rows serialized and not yet reported. */
  records: number;
  rows: number;
  timer: NodeJS.Timeout | undefined;
}
const cores = new Map<number, Entry>();

/** Tells the collector what was serialized since the last report (its bound on records in flight). */
function report(cid: number, entry: Entry): void {
  if (entry.timer !== undefined) clearTimeout(entry.timer);
  entry.timer = undefined;
  if (entry.records === 0) return;
  send({ op: 'serialized', cid, records: entry.records, rows: entry.rows, stats: entry.core.stats() });
  entry.records = 0;
  entry.rows = 0;
}

port.on('message', (message: ToWriter) => {
  const { cid } = message;
  if (message.op === 'open') {
    const entry: Entry = {
      core: undefined as unknown as CollectorCore,
      now: message.now,
      records: 0,
      rows: 0,
      timer: undefined,
    };
    entry.core = new CollectorCore({
      ...message.init,
      clock: () => entry.now,
      onError: (error) => {
        const { message: text, code, name } = error as NodeJS.ErrnoException;
        send({
          op: 'error',
          cid,
          message: typeof text === 'string' ? text : String(error),
          ...(typeof code === 'string' ? { code } : {}),
          ...(typeof name === 'string' ? { name } : {}),
        });
      },
      onSerialized: (records, rows) => {
        entry.records += records;
        entry.rows += rows;
        entry.timer ??= setTimeout(() => report(cid, entry), REPORT_MS);
      },
    });
    cores.set(cid, entry);
    return;
  }
  const entry = cores.get(cid);
  if (entry === undefined) return;
  entry.now = message.now;
  if (message.op === 'records') {
    for (const record of message.records) entry.core.collect(record);
    return;
  }
  const id = message.id;
  const work = message.op === 'flush' ? entry.core.flush() : entry.core.close();
  if (message.op === 'close') cores.delete(cid);
  void work.then(() => {
    report(cid, entry);
    send({ op: 'done', cid, id, stats: entry.core.stats() });
  });
});
