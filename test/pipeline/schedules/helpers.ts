import { join } from 'node:path';
import { parseYamlFile } from '../../../src/data/yaml-file.ts';
import { parseSchedule, type ScheduleSpec } from '../../../src/pipeline/schedules/index.ts';
import { SqliteStore } from '../../../src/tracking/sqlite-store.ts';
import { tempDir } from '../../tracking/helpers/temp.ts';

/** A schedule spec from the lines of its trigger (create_job: job.yml beside it). */
export function scheduleSpec(name: string, triggerLines: string, dir = '/tmp'): ScheduleSpec {
  const doc = parseYamlFile(
    `name: ${name}\ncreate_job: ./job.yml\ntrigger:\n${triggerLines}`,
    join(dir, `${name}.yml`),
  );
  return parseSchedule(doc).spec;
}

/** A new store in a temporary folder. */
export function newStore(label: string): { store: SqliteStore; dir: string } {
  const dir = join(tempDir(label), 'store');
  return { store: new SqliteStore({ dir }), dir };
}

/** A clock tests move by hand. */
export class TestClock {
  constructor(public now: number) {}
  readonly read = (): number => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}
