/**
 * Where collected lines go: folder names checked, partitions by rolling rate (UTC, as
 * Azure names its blobs), and the parts a crashed process left finished at start.
 */
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '../../core/errors.ts';
import type { DataCollectorSettings } from '../../registry/endpoint-types.ts';

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * A name that can be a folder name, or a ValidationError naming it.
 *
 * @example
 * checkSegment('blue', 'deployment'); // 'blue'
 */
export function checkSegment(value: string, what: string): string {
  if (typeof value === 'string' && SAFE_SEGMENT.test(value) && value !== '.' && value !== '..') return value;
  throw new ValidationError(
    `data collector: the ${what} name ${JSON.stringify(value)} cannot be a folder name (use letters, digits, '_', '.', '-')`,
    { path: what },
  );
}

/** A number with leading zeros. */
export const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * The partition folder (relative, `/`-separated) and the epoch ms at which it ends, for a
 * time and a rolling rate, in UTC.
 *
 * @example
 * partitionOf(Date.UTC(2026, 0, 2, 3, 4), 'hour'); // { folder: '2026/01/02/03', end: Date.UTC(2026, 0, 2, 4) }
 */
export function partitionOf(
  time: number,
  rollingRate: DataCollectorSettings['rollingRate'],
): {
  folder: string;
  end: number;
} {
  const d = new Date(time);
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth();
  const day = d.getUTCDate();
  const h = d.getUTCHours();
  const mi = d.getUTCMinutes();
  const dayFolder = `${pad(y, 4)}/${pad(mo + 1)}/${pad(day)}`;
  if (rollingRate === 'day') return { folder: dayFolder, end: Date.UTC(y, mo, day + 1) };
  if (rollingRate === 'hour') return { folder: `${dayFolder}/${pad(h)}`, end: Date.UTC(y, mo, day, h + 1) };
  return { folder: `${dayFolder}/${pad(h)}/${pad(mi)}`, end: Date.UTC(y, mo, day, h, mi + 1) };
}

/**
 * Finishes the parts a crashed process left behind under `folder`: every `*.jsonl.tmp`
 * not written to for `olderThanMs` is cut after its last whole line and renamed to
 * `.jsonl` (one with no whole line is removed). A live writer appends to its part every
 * second and closes it within `partMaxAgeMs`, so a part that old has no writer left.
 * Answers the number of parts finished.
 *
 * @example
 * await recoverAbandonedParts('mlruns/datastores/workspaceblobstore/modelDataCollector/iris/blue', 600_000);
 */
export async function recoverAbandonedParts(
  folder: string,
  olderThanMs: number,
  now: number = Date.now(),
): Promise<number> {
  let entries: string[];
  try {
    entries = (await readdir(folder, { recursive: true })) as string[];
  } catch {
    return 0; // nothing collected here yet
  }
  let recovered = 0;
  for (const entry of entries) {
    if (!entry.endsWith('.jsonl.tmp')) continue;
    const path = join(folder, entry);
    const info = await stat(path);
    if (!info.isFile() || now - info.mtimeMs < olderThanMs) continue;
    const handle = await open(path, 'r+');
    let keep = 0;
    try {
      // the last newline within the file's tail; a line is at most a few MB, so read back in steps
      const step = 1 << 16;
      for (let end = info.size; end > 0 && keep === 0; end -= step) {
        const start = Math.max(0, end - step);
        const buffer = Buffer.alloc(end - start);
        await handle.read(buffer, 0, buffer.length, start);
        const at = buffer.lastIndexOf(0x0a);
        if (at !== -1) keep = start + at + 1;
      }
      if (keep > 0) {
        await handle.truncate(keep);
        await handle.sync();
      }
    } finally {
      await handle.close();
    }
    if (keep === 0) await rm(path, { force: true });
    else {
      await rename(path, path.slice(0, -'.tmp'.length));
      recovered++;
    }
  }
  return recovered;
}
