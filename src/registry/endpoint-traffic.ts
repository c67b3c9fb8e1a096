import { ValidationError } from '../core/errors.ts';

/** The most percent of live traffic one deployment may receive as a copy (Azure's limit). */
export const MAX_MIRROR_PERCENT = 50;

/** An endpoint's traffic after checking: every deployment in `traffic`, only non-zero mirrors. */
export interface CheckedTraffic {
  readonly traffic: Record<string, number>;
  readonly mirrorTraffic: Record<string, number>;
}

/**
 * Checks an endpoint's live and mirror traffic against its deployments, with Azure's
 * rules: only known deployments; whole percents from 0 to 100; live traffic summing to
 * 100, or 0 for all (the endpoint then answers only requests pinned to a deployment);
 * at most 50 percent mirrored to each deployment, and never to one that also takes live
 * traffic. Returns the traffic with a 0 for every deployment not named, and the mirror
 * traffic without its zeros, both ordered by name.
 *
 * @example
 * checkTraffic('iris', ['blue', 'green'], { blue: 100 }, { green: 10 });
 * // { traffic: { blue: 100, green: 0 }, mirrorTraffic: { green: 10 } }
 */
export function checkTraffic(
  endpoint: string,
  deployments: readonly string[],
  traffic: Readonly<Record<string, number>>,
  mirrorTraffic: Readonly<Record<string, number>>,
): CheckedTraffic {
  const known = new Set(deployments);
  const checkEntries = (map: Readonly<Record<string, number>>, key: string, max: number) => {
    for (const [name, percent] of Object.entries(map)) {
      if (!known.has(name)) {
        throw new ValidationError(
          `${key} of endpoint '${endpoint}' names '${name}', which is not one of its deployments (${deployments.length > 0 ? [...deployments].sort().join(', ') : 'it has none yet'})`,
          { path: `${key}.${name}`, code: 'E_NOT_FOUND' },
        );
      }
      if (!Number.isInteger(percent) || percent < 0 || percent > max) {
        throw new ValidationError(
          `${key} of '${name}' must be a whole percent from 0 to ${max}, got ${JSON.stringify(percent)}`,
          { path: `${key}.${name}` },
        );
      }
    }
  };
  checkEntries(traffic, 'traffic', 100);
  checkEntries(mirrorTraffic, 'mirror_traffic', MAX_MIRROR_PERCENT);
  const sum = Object.values(traffic).reduce((a, b) => a + b, 0);
  if (sum !== 100 && sum !== 0) {
    throw new ValidationError(
      `the traffic of endpoint '${endpoint}' must sum to 100 (or be 0 for every deployment), got ${sum} (${describe(traffic)})`,
      { path: 'traffic' },
    );
  }
  for (const [name, percent] of Object.entries(mirrorTraffic)) {
    if (percent > 0 && own(traffic, name) > 0) {
      throw new ValidationError(
        `deployment '${name}' of endpoint '${endpoint}' cannot take live traffic (${own(traffic, name)}%) and mirror traffic (${percent}%) at once`,
        { path: `mirror_traffic.${name}` },
      );
    }
  }
  const sorted = [...deployments].sort();
  return {
    traffic: Object.fromEntries(sorted.map((name) => [name, own(traffic, name)])),
    mirrorTraffic: Object.fromEntries(
      sorted.filter((name) => own(mirrorTraffic, name) > 0).map((name) => [name, own(mirrorTraffic, name)]),
    ),
  };
}

/**
 * Parses a command line's traffic assignment, `blue=90,green=10`, into percents (their
 * rules are checked by checkTraffic); `option` names the option in messages.
 *
 * @example
 * parseTrafficAssignments('blue=90, green=10', '--traffic'); // { blue: 90, green: 10 }
 */
export function parseTrafficAssignments(value: string, option: string): Record<string, number> {
  const out = new Map<string, number>();
  for (const item of value.split(',')) {
    const part = item.trim();
    if (part === '') continue;
    const match = /^([^=\s]+)\s*=\s*(\d{1,3})$/.exec(part);
    if (match === null) {
      throw new ValidationError(
        `${option} expects DEPLOYMENT=PERCENT pairs separated by commas (e.g. blue=90,green=10), got '${part}'`,
        { path: option },
      );
    }
    if (out.has(match[1]!)) {
      throw new ValidationError(`${option} names '${match[1]}' twice`, { path: option });
    }
    out.set(match[1]!, Number(match[2]));
  }
  return Object.fromEntries(out);
}

/** A deployment's percent in a map read from the user (a name like 'constructor' is not inherited). */
function own(map: Readonly<Record<string, number>>, name: string): number {
  return Object.hasOwn(map, name) ? map[name]! : 0;
}

function describe(traffic: Readonly<Record<string, number>>): string {
  const entries = Object.entries(traffic);
  return entries.length > 0 ? entries.map(([k, v]) => `${k}=${v}`).join(', ') : 'none given';
}
