import { ValidationError } from '../core/errors.ts';
import type { Label, LabelArray, LabelOptions } from './types.ts';
import { checkLength, checkNotEmpty, sampleWeights } from './validate.ts';

/** Labels turned into class indices, with what every classification metric needs. */
export interface EncodedTargets {
  /** The classes in column order. */
  labels: Label[];
  /** Class index of each true label. */
  yTrue: Int32Array;
  /** Class index of each predicted label (empty when only scores were given). */
  yPred: Int32Array;
  /** Validated sample weights, or undefined for all-ones. */
  weight: Float64Array | undefined;
  /** Index in `labels` of the positive class (binary metrics). */
  positive: number;
}

function describe(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : String(v);
}

function kindOf(v: unknown, where: string): 'number' | 'string' {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) {
      throw new ValidationError(`${where} is ${v}; labels must be finite numbers or strings.`, {
        path: where,
      });
    }
    return 'number';
  }
  throw new ValidationError(`${where} is ${describe(v)} (${typeof v}); labels must be numbers or strings.`, {
    path: where,
  });
}

function sortLabels(labels: Label[]): Label[] {
  // scikit-learn's unique_labels sorts: numerically for numbers, by code point for strings.
  return labels.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The class list: `given` when supplied (checked: non-empty, unique, one kind), else
 * the sorted union of the values in `arrays` (as scikit-learn's unique_labels).
 *
 * @example
 * resolveLabels([{ values: ['b', 'a'], name: 'yTrue' }]); // ['a', 'b']
 */
export function resolveLabels(
  arrays: ReadonlyArray<{ values: LabelArray; name: string }>,
  given?: readonly Label[],
): Label[] {
  if (given !== undefined) {
    if (given.length === 0) throw new ValidationError('labels is empty.', { path: 'labels' });
    const kind = kindOf(given[0], 'labels[0]');
    const seen = new Set<Label>();
    given.forEach((label, i) => {
      if (kindOf(label, `labels[${i}]`) !== kind) {
        throw new ValidationError(`labels mixes numbers and strings (labels[${i}] = ${describe(label)}).`, {
          path: `labels[${i}]`,
        });
      }
      if (seen.has(label)) {
        throw new ValidationError(`labels[${i}] = ${describe(label)} appears twice.`, {
          path: `labels[${i}]`,
        });
      }
      seen.add(label);
    });
    return [...given];
  }
  const seen = new Set<Label>();
  let kind: 'number' | 'string' | undefined;
  let firstWhere = '';
  for (const { values, name } of arrays) {
    const n = values.length;
    for (let i = 0; i < n; i++) {
      const v = values[i] as Label;
      if (seen.has(v)) continue;
      const k = kindOf(v, `${name}[${i}]`);
      if (kind === undefined) {
        kind = k;
        firstWhere = `${name}[${i}]`;
      } else if (k !== kind) {
        throw new ValidationError(
          `${name}[${i}] = ${describe(v)} is a ${k} but ${firstWhere} is a ${kind}; labels must all be numbers or all strings.`,
          { path: `${name}[${i}]` },
        );
      }
      seen.add(v);
    }
  }
  return sortLabels([...seen]);
}

/**
 * Maps each value to its index in `labels`, throwing a ValidationError that names the
 * first value absent from `labels` and where it is.
 *
 * @example
 * encodeLabels(['b', 'a'], ['a', 'b'], 'yTrue'); // Int32Array [1, 0]
 */
export function encodeLabels(values: LabelArray, labels: readonly Label[], name: string): Int32Array {
  const n = values.length;
  const out = new Int32Array(n);
  const fast = smallIntTable(labels);
  if (fast) {
    for (let i = 0; i < n; i++) {
      const v = values[i] as Label;
      const code = typeof v === 'number' && v >= 0 && v < fast.length && Number.isInteger(v) ? fast[v]! : -1;
      if (code < 0) throw notALabel(v, i, labels, name);
      out[i] = code;
    }
    return out;
  }
  const index = new Map<Label, number>();
  labels.forEach((label, i) => {
    index.set(label, i);
  });
  for (let i = 0; i < n; i++) {
    const v = values[i] as Label;
    const code = index.get(v);
    if (code === undefined || Number.isNaN(v)) throw notALabel(v, i, labels, name);
    out[i] = code;
  }
  return out;
}

// Non-negative integer labels below 65536 map through an array instead of a Map: the
// usual case (0..k-1 class codes) on a million rows is then a few milliseconds.
function smallIntTable(labels: readonly Label[]): Int32Array | undefined {
  let max = -1;
  for (const l of labels) {
    if (typeof l !== 'number' || !Number.isInteger(l) || l < 0 || l >= 65536) return undefined;
    if (l > max) max = l;
  }
  const table = new Int32Array(max + 1).fill(-1);
  labels.forEach((l, i) => {
    table[l as number] = i;
  });
  return table;
}

function notALabel(v: unknown, i: number, labels: readonly Label[], name: string): ValidationError {
  const shown =
    labels.length > 20
      ? `${labels.slice(0, 20).map(describe).join(', ')}, …`
      : labels.map(describe).join(', ');
  return new ValidationError(`${name}[${i}] = ${describe(v)} is not one of the labels [${shown}].`, {
    path: `${name}[${i}]`,
  });
}

/**
 * Validates and encodes the targets of a classification metric: lengths, labels,
 * weights and the positive class (default: the second label, as scikit-learn's
 * pos_label=1 for {0, 1}).
 *
 * @example
 * const t = encodeTargets(['a', 'b'], ['a', 'a'], {});
 * t.labels; // ['a', 'b']; t.positive === 1
 */
export function encodeTargets(
  yTrue: LabelArray,
  yPred: LabelArray | undefined,
  options: Pick<LabelOptions, 'labels' | 'sampleWeight' | 'positiveLabel'>,
): EncodedTargets {
  const n = yTrue.length;
  checkNotEmpty(n, 'yTrue');
  if (yPred !== undefined) checkLength(yPred, n, 'yPred', 'yTrue');
  const arrays = [{ values: yTrue, name: 'yTrue' }];
  if (yPred !== undefined) arrays.push({ values: yPred, name: 'yPred' });
  const labels = resolveLabels(arrays, options.labels);
  const encodedTrue = encodeLabels(yTrue, labels, 'yTrue');
  const encodedPred = yPred === undefined ? new Int32Array(0) : encodeLabels(yPred, labels, 'yPred');
  const weight = sampleWeights(options.sampleWeight, n);
  let positive = labels.length > 1 ? 1 : 0;
  if (options.positiveLabel !== undefined) {
    positive = labels.indexOf(options.positiveLabel);
    if (positive < 0) {
      throw new ValidationError(
        `positiveLabel ${describe(options.positiveLabel)} is not one of the labels [${labels.map(describe).join(', ')}].`,
        { path: 'positiveLabel' },
      );
    }
  }
  return { labels, yTrue: encodedTrue, yPred: encodedPred, weight, positive };
}
