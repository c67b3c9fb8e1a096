/**
 * The messages between data collectors (data-collector.ts, on the server's thread) and
 * their writer thread (collect/thread.ts). Records travel as structured clones: a
 * request's body text is one string, copied once, far cheaper than serializing its rows
 * where the requests are answered.
 */
import type { CoreOptions, CoreStats } from './core.ts';
import type { CollectedRecord } from './types.ts';

/** What a collector's writing half is started with (its functions stay on the thread). */
export type CoreInit = Omit<CoreOptions, 'clock' | 'onError' | 'onSerialized'>;

/** To the writer thread; `now` is the collector's clock when it was sent (the thread's clock). */
export type ToWriter =
  | { readonly op: 'open'; readonly cid: number; readonly now: number; readonly init: CoreInit }
  | {
      readonly op: 'records';
      readonly cid: number;
      readonly now: number;
      readonly records: CollectedRecord[];
    }
  | { readonly op: 'flush' | 'close'; readonly cid: number; readonly now: number; readonly id: number };

/** From the writer thread. */
export type FromWriter =
  | {
      readonly op: 'serialized';
      readonly cid: number;
      readonly records: number;
      readonly rows: number;
      readonly stats: CoreStats;
    }
  | { readonly op: 'done'; readonly cid: number; readonly id: number; readonly stats: CoreStats }
  | {
      readonly op: 'error';
      readonly cid: number;
      readonly message: string;
      readonly code?: string;
      readonly name?: string;
    };
