// `mlsweep schedule create|list|show|enable|disable|delete`: schedules of a store, in
// Azure's shape (az ml schedule …); `mlsweep scheduler` fires them.
import type { Command } from 'commander';
import {
  describeTrigger,
  nextTimes,
  readScheduleFile,
  type ScheduleRecord,
  ScheduleStore,
  watchedHash,
} from '../pipeline/schedules/index.ts';
import { type StoreOption, table, when, withCliStore, withStoreOptions } from './experiments.ts';
import { log, printResult } from './output.ts';

function job(s: ScheduleRecord): string {
  const j = s.spec.createJob;
  return j.kind === 'file' ? j.path : j.ref;
}

const isoTime = (ms: number) => new Date(ms).toISOString();

/**
 * Registers `mlsweep schedule create|list|show|enable|disable|delete`.
 *
 * @example
 * registerSchedules(program); // mlsweep schedule create -f schedule.yml
 */
export function registerSchedules(program: Command): void {
  const schedule = program
    .command('schedule')
    .description(
      'schedules: run a pipeline or sweep on a recurrence, a cron expression, or when data changes',
    );

  withStoreOptions(
    schedule
      .command('create')
      .description('create a schedule (or replace the one of that name); mlsweep scheduler fires it'),
  )
    .requiredOption('-f, --file <yml>', "a schedule YAML (Azure's shape: name, trigger, create_job)")
    .action((o: StoreOption & { json?: boolean; file: string }) => {
      const read = readScheduleFile(o.file);
      for (const key of read.ignored) log(`note: ${o.file}: ${key} has no effect locally`);
      withCliStore(o, true, (store) => {
        const now = Date.now();
        const trigger = read.spec.trigger;
        // a data_change schedule fires on changes after now: the content now is the baseline
        const baseline = trigger.type === 'data_change' ? watchedHash(trigger.path, store) : undefined;
        const { record, replaced } = new ScheduleStore(store).create(read.spec, now, baseline);
        const next = nextTimes(record, now, 5);
        printResult(o.json === true, { ...record, replaced, nextFireTimes: next.map(isoTime) }, () =>
          [
            `${replaced ? 'replaced' : 'created'} schedule ${record.name}: ${describeTrigger(trigger)}`,
            `  runs ${job(record)}`,
            ...(next.length > 0 ? [`  next: ${isoTime(next[0]!)}`] : []),
            '  (mlsweep scheduler --store … fires it)',
          ].join('\n'),
        );
      });
    });

  withStoreOptions(schedule.command('list').description('every schedule with its next fire time')).action(
    (o: StoreOption & { json?: boolean }) =>
      withCliStore(o, false, (store) => {
        const now = Date.now();
        const list = new ScheduleStore(store).list();
        printResult(
          o.json === true,
          list.map((s) => ({ ...s, nextFireTime: nextTimes(s, now, 1).map(isoTime)[0] ?? null })),
          () =>
            table(
              ['name', 'enabled', 'trigger', 'next', 'last fired'],
              list.map((s) => [
                s.name,
                s.enabled ? 'yes' : 'no',
                describeTrigger(s.spec.trigger),
                nextTimes(s, now, 1).map(isoTime)[0] ?? '-',
                when(s.lastFiredAt),
              ]),
            ),
        );
      }),
  );

  withStoreOptions(
    schedule.command('show').description('a schedule: its trigger, next five fire times, last fires'),
  )
    .argument('<name>', 'schedule name')
    .action((name: string, o: StoreOption & { json?: boolean }) =>
      withCliStore(o, false, (store) => {
        const schedules = new ScheduleStore(store);
        const s = schedules.get(name);
        const next = nextTimes(s, Date.now(), 5);
        const fires = schedules.fires(name, 10);
        printResult(o.json === true, { ...s, nextFireTimes: next.map(isoTime), fires }, () =>
          [
            `${s.name} (${s.enabled ? 'enabled' : 'disabled'}): ${describeTrigger(s.spec.trigger)}`,
            `  runs ${job(s)}`,
            ...(s.spec.description ? [`  ${s.spec.description}`] : []),
            ...(next.length > 0 ? ['  next fire times:', ...next.map((t) => `    ${isoTime(t)}`)] : []),
            ...(fires.length > 0
              ? [
                  '  last fires:',
                  ...fires.map(
                    (f) =>
                      `    ${isoTime(f.tick)} ${f.status}${f.catchUp ? ' (catch-up)' : ''}${f.runId ? ` run ${f.runId}` : ''}${f.error ? `: ${f.error}` : ''}`,
                  ),
                ]
              : []),
          ].join('\n'),
        );
      }),
    );

  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    withStoreOptions(
      schedule
        .command(verb)
        .description(
          enabled ? 'enable a schedule (from now: missed ticks are not caught up)' : 'stop a schedule firing',
        ),
    )
      .argument('<name>', 'schedule name')
      .action((name: string, o: StoreOption & { json?: boolean }) =>
        withCliStore(o, false, (store) => {
          const s = new ScheduleStore(store).setEnabled(name, enabled, Date.now());
          printResult(o.json === true, s, () => `${enabled ? 'enabled' : 'disabled'} schedule ${s.name}`);
        }),
      );
  }

  withStoreOptions(schedule.command('delete').description('delete a schedule and its fire history'))
    .argument('<name>', 'schedule name')
    .action((name: string, o: StoreOption & { json?: boolean }) =>
      withCliStore(o, false, (store) => {
        new ScheduleStore(store).delete(name);
        printResult(o.json === true, { name, deleted: true }, () => `deleted schedule ${name}`);
      }),
    );
}
