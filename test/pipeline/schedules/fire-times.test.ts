import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseYamlFile } from '../../../src/data/yaml-file.ts';
import {
  fireTimes,
  instantOf,
  parseSchedule,
  type TimeTrigger,
} from '../../../src/pipeline/schedules/index.ts';

const iso = (ms: number[]) => ms.map((t) => new Date(t).toISOString().replace('.000Z', 'Z'));
const at = (text: string) => Date.parse(text);

/** The trigger of a schedule YAML whose trigger lines are given. */
function trigger(lines: string): TimeTrigger {
  const doc = parseYamlFile(`name: s\ncreate_job: ./job.yml\ntrigger:\n${lines}`, '/tmp/schedule.yml');
  return parseSchedule(doc).spec.trigger as TimeTrigger;
}

describe('fire times (croner, in a named time zone)', () => {
  it('cron across the spring DST change in Europe/Berlin: 02:30 that does not exist fires at 03:00 CEST', () => {
    const t = trigger('  type: cron\n  expression: "30 2 * * *"\n  time_zone: Europe/Berlin\n');
    assert.deepEqual(iso(fireTimes(t, { after: at('2026-03-27T12:00:00Z'), count: 4, createdAt: 0 })), [
      '2026-03-28T01:30:00Z', // 02:30 CET
      '2026-03-29T01:00:00Z', // 03:00 CEST: the first valid time after the gap
      '2026-03-30T00:30:00Z', // 02:30 CEST
      '2026-03-31T00:30:00Z',
    ]);
  });

  it('cron across the autumn DST change in Europe/Berlin: 02:30 that occurs twice fires once', () => {
    const t = trigger('  type: cron\n  expression: "30 2 * * *"\n  time_zone: Europe/Berlin\n');
    assert.deepEqual(iso(fireTimes(t, { after: at('2026-10-24T12:00:00Z'), count: 2, createdAt: 0 })), [
      '2026-10-25T00:30:00Z', // the first 02:30 (CEST)
      '2026-10-26T01:30:00Z', // 02:30 CET
    ]);
  });

  it('a daily recurrence in America/New_York keeps its local hour through both DST changes', () => {
    const t = trigger(
      '  type: recurrence\n  frequency: day\n  interval: 1\n  schedule: {hours: [1, 13], minutes: [0]}\n  time_zone: America/New_York\n',
    );
    assert.deepEqual(iso(fireTimes(t, { after: at('2026-10-31T12:00:00Z'), count: 4, createdAt: 0 })), [
      '2026-10-31T17:00:00Z', // 13:00 EDT
      '2026-11-01T05:00:00Z', // 01:00 EDT, once although 01:00 occurs twice
      '2026-11-01T18:00:00Z', // 13:00 EST
      '2026-11-02T06:00:00Z', // 01:00 EST
    ]);
    // spring forward: 02:30 does not exist on 2026-03-08; 01:00 and 13:00 do
    const spring = trigger(
      '  type: recurrence\n  frequency: day\n  schedule: {hours: [2], minutes: [30]}\n  time_zone: America/New_York\n',
    );
    assert.deepEqual(iso(fireTimes(spring, { after: at('2026-03-07T12:00:00Z'), count: 3, createdAt: 0 })), [
      '2026-03-08T07:00:00Z', // 03:00 EDT, after the gap
      '2026-03-09T06:30:00Z', // 02:30 EDT
      '2026-03-10T06:30:00Z',
    ]);
  });

  it('a monthly recurrence on the 31st skips the months without one (as cron does)', () => {
    const t = trigger('  type: recurrence\n  frequency: month\n  start_time: "2026-01-31T09:00:00"\n');
    assert.deepEqual(iso(fireTimes(t, { after: 0, count: 4, createdAt: 0 })), [
      '2026-01-31T09:00:00Z',
      '2026-03-31T09:00:00Z',
      '2026-05-31T09:00:00Z',
      '2026-07-31T09:00:00Z',
    ]);
    // every 2 months from the 31st of January: March, May, July … (months counted from start)
    const two = trigger(
      '  type: recurrence\n  frequency: month\n  interval: 2\n  start_time: "2026-01-31T09:00:00"\n',
    );
    assert.deepEqual(iso(fireTimes(two, { after: 0, count: 3, createdAt: 0 })), [
      '2026-01-31T09:00:00Z',
      '2026-03-31T09:00:00Z',
      '2026-05-31T09:00:00Z',
    ]);
    const last = trigger(
      '  type: recurrence\n  frequency: month\n  schedule: {month_days: [28, 30], hours: [0], minutes: [0]}\n  start_time: "2027-01-15T00:00:00Z"\n',
    );
    assert.deepEqual(iso(fireTimes(last, { after: 0, count: 4, createdAt: 0 })), [
      '2027-01-28T00:00:00Z',
      '2027-01-30T00:00:00Z',
      '2027-02-28T00:00:00Z', // February has no 30th
      '2027-03-28T00:00:00Z',
    ]);
  });

  it('every other week on Monday and Friday at 09:15 Berlin time, counted from start_time', () => {
    const t = trigger(
      '  type: recurrence\n  frequency: week\n  interval: 2\n  schedule: {week_days: [monday, friday], hours: [9], minutes: [15]}\n  start_time: "2026-03-23T00:00:00"\n  time_zone: Europe/Berlin\n',
    );
    assert.deepEqual(iso(fireTimes(t, { after: 0, count: 5, createdAt: 0 })), [
      '2026-03-23T08:15:00Z', // Monday, CET
      '2026-03-27T08:15:00Z', // Friday
      '2026-04-06T07:15:00Z', // two weeks on, CEST
      '2026-04-10T07:15:00Z',
      '2026-04-20T07:15:00Z',
    ]);
  });

  it('minute and hour recurrences count whole intervals from start_time; end_time is the last possible fire', () => {
    const t = trigger(
      '  type: recurrence\n  frequency: minute\n  interval: 15\n  start_time: "2026-05-01T10:05:00Z"\n  end_time: "2026-05-01T11:05:00Z"\n',
    );
    assert.deepEqual(iso(fireTimes(t, { after: at('2026-05-01T10:06:00Z'), createdAt: 0 })), [
      '2026-05-01T10:20:00Z',
      '2026-05-01T10:35:00Z',
      '2026-05-01T10:50:00Z',
      '2026-05-01T11:05:00Z',
    ]);
    const cron = trigger('  type: cron\n  expression: "0 * * * *"\n  end_time: "2026-05-01T12:00:00Z"\n');
    assert.deepEqual(iso(fireTimes(cron, { after: at('2026-05-01T09:30:00Z'), count: 10, createdAt: 0 })), [
      '2026-05-01T10:00:00Z',
      '2026-05-01T11:00:00Z',
      '2026-05-01T12:00:00Z',
    ]);
    // every 6 hours from a start given in New York time, through the spring DST change (6 real hours apart)
    const hours = trigger(
      '  type: recurrence\n  frequency: hour\n  interval: 6\n  start_time: "2026-03-07T21:00:00"\n  time_zone: America/New_York\n',
    );
    assert.deepEqual(iso(fireTimes(hours, { after: 0, count: 3, createdAt: 0 })), [
      '2026-03-08T02:00:00Z',
      '2026-03-08T08:00:00Z',
      '2026-03-08T14:00:00Z',
    ]);
  });

  it('without start_time, a recurrence starts at creation and takes its time of day from it', () => {
    const created = at('2026-06-10T07:45:00Z');
    const t = trigger('  type: recurrence\n  frequency: day\n  time_zone: Europe/Berlin\n');
    assert.deepEqual(iso(fireTimes(t, { after: created, count: 2, createdAt: created })), [
      '2026-06-11T07:45:00Z',
      '2026-06-12T07:45:00Z',
    ]);
  });

  it('reads local start times in the trigger time zone and refuses bad triggers with the line', () => {
    assert.equal(
      new Date(instantOf('2026-07-01T12:00:00', 'Europe/Berlin', 'x')).toISOString(),
      '2026-07-01T10:00:00.000Z',
    );
    const bad = (lines: string) => () => trigger(lines);
    assert.throws(
      bad('  type: cron\n  expression: "61 * * * *"\n'),
      /line 5: trigger.expression: .*minute: 61/,
    );
    assert.throws(
      bad('  type: cron\n  expression: "0 * * * *"\n  time_zone: Mars/Olympus\n'),
      /unknown time zone "Mars\/Olympus": use an IANA name/,
    );
    assert.throws(
      bad('  type: recurrence\n  frequency: fortnight\n'),
      /frequency must be minute, hour, day, week, month/,
    );
    assert.throws(
      bad('  type: recurrence\n  frequency: day\n  schedule: {week_days: [monday]}\n'),
      /week_days goes with frequency week/,
    );
    assert.throws(
      bad(
        '  type: cron\n  expression: "0 * * * *"\n  start_time: "2026-05-02T00:00:00Z"\n  end_time: "2026-05-01T00:00:00Z"\n',
      ),
      /end_time is before start_time/,
    );
  });
});
