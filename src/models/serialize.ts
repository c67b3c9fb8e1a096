import type { BinEdges } from '../compute/kernels/binning/edges.ts';
import { allocateBinEdges } from '../compute/kernels/binning/edges.ts';
import type { TreeArrays } from '../compute/kernels/trees/tree-arrays.ts';
import { ValidationError } from '../core/errors.ts';

type Typed = Float64Array | Int32Array | Uint8Array | Uint32Array;
const CTORS = { f64: Float64Array, i32: Int32Array, u8: Uint8Array, u32: Uint32Array } as const;
type Dtype = keyof typeof CTORS;

/** A typed array in JSON: its element type and its little-endian bytes in base64 (exact). */
export interface EncodedArray {
  dtype: Dtype;
  b64: string;
}

/**
 * Encodes a typed array for JSON without losing a bit.
 *
 * @example
 * decodeArray(encodeArray(Float64Array.of(0.1)), 'f64'); // Float64Array [0.1]
 */
export function encodeArray(a: Typed): EncodedArray {
  const dtype: Dtype =
    a instanceof Float64Array
      ? 'f64'
      : a instanceof Int32Array
        ? 'i32'
        : a instanceof Uint32Array
          ? 'u32'
          : 'u8';
  return { dtype, b64: Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64') };
}

/**
 * Decodes an {@link encodeArray} value, checking its element type.
 *
 * @example
 * decodeArray({ dtype: 'i32', b64: 'AQAAAA==' }, 'i32', 'state.x'); // Int32Array [1]
 */
export function decodeArray<D extends Dtype>(
  e: unknown,
  dtype: D,
  path: string,
): InstanceType<(typeof CTORS)[D]> {
  const enc = e as EncodedArray | undefined;
  if (!enc || enc.dtype !== dtype || typeof enc.b64 !== 'string') {
    throw new ValidationError(`${path} must be an encoded ${dtype} array`, { path });
  }
  const bytes = new Uint8Array(Buffer.from(enc.b64, 'base64'));
  const Ctor = CTORS[dtype];
  if (bytes.byteLength % Ctor.BYTES_PER_ELEMENT !== 0) {
    throw new ValidationError(`${path} holds ${bytes.byteLength} bytes, not a whole number of ${dtype}`, {
      path,
    });
  }
  return new Ctor(bytes.buffer, 0, bytes.byteLength / Ctor.BYTES_PER_ELEMENT) as InstanceType<
    (typeof CTORS)[D]
  >;
}

/**
 * A tree as JSON (exact).
 *
 * @example
 * const copy = treeFromJSON(JSON.parse(JSON.stringify(treeToJSON(tree))), nFeatures, 'tree');
 */
export function treeToJSON(t: TreeArrays): Record<string, unknown> {
  return {
    nNodes: t.nNodes,
    nOut: t.nOut,
    feature: encodeArray(t.feature),
    threshold: encodeArray(t.threshold),
    missingLeft: encodeArray(t.missingLeft),
    left: encodeArray(t.left),
    right: encodeArray(t.right),
    catIndex: encodeArray(t.catIndex),
    catBits: encodeArray(t.catBits),
    value: encodeArray(t.value),
    gain: encodeArray(t.gain),
    cover: encodeArray(t.cover),
  };
}

/**
 * Reads a tree written by {@link treeToJSON}, checking that its links stay in bounds.
 *
 * @example
 * treeFromJSON(json.state.trees[0], json.state.nFeatures, 'state.trees[0]');
 */
export function treeFromJSON(o: unknown, nFeatures: number, path: string): TreeArrays {
  const j = (o ?? {}) as Record<string, unknown>;
  const nNodes = j.nNodes;
  const nOut = j.nOut;
  if (
    typeof nNodes !== 'number' ||
    !Number.isInteger(nNodes) ||
    nNodes < 1 ||
    typeof nOut !== 'number' ||
    nOut < 1
  ) {
    throw new ValidationError(`${path}: nNodes and nOut must be positive integers`, { path });
  }
  const t: TreeArrays = {
    nNodes,
    nOut,
    feature: decodeArray(j.feature, 'i32', `${path}.feature`),
    threshold: decodeArray(j.threshold, 'i32', `${path}.threshold`),
    missingLeft: decodeArray(j.missingLeft, 'u8', `${path}.missingLeft`),
    left: decodeArray(j.left, 'i32', `${path}.left`),
    right: decodeArray(j.right, 'i32', `${path}.right`),
    catIndex: decodeArray(j.catIndex, 'i32', `${path}.catIndex`),
    catBits: decodeArray(j.catBits, 'u32', `${path}.catBits`),
    value: decodeArray(j.value, 'f64', `${path}.value`),
    gain: decodeArray(j.gain, 'f64', `${path}.gain`),
    cover: decodeArray(j.cover, 'f64', `${path}.cover`),
  };
  const sized = [t.feature, t.threshold, t.missingLeft, t.left, t.right, t.catIndex, t.gain, t.cover];
  let ok = sized.every((a) => a.length === nNodes) && t.value.length === nNodes * nOut;
  for (let i = 0; ok && i < nNodes; i++) {
    const f = t.feature[i]!;
    const ci = t.catIndex[i]!;
    if (f >= nFeatures || (ci >= 0 && (ci + 1) * 8 > t.catBits.length)) ok = false;
    else if (f >= 0) ok = t.left[i]! > i && t.left[i]! < nNodes && t.right[i]! > i && t.right[i]! < nNodes;
  }
  if (!ok) throw new ValidationError(`${path} is not a well-formed tree`, { path });
  return t;
}

/**
 * Bin edges as JSON (exact).
 *
 * @example
 * const edges = edgesFromJSON(edgesToJSON(binned.edges), 'edges');
 */
export function edgesToJSON(e: BinEdges): Record<string, unknown> {
  return {
    nCols: e.nCols,
    categorical: encodeArray(e.categorical),
    nBins: encodeArray(e.nBins),
    otherBin: encodeArray(e.otherBin),
    edges: encodeArray(e.edges),
  };
}

/**
 * Reads bin edges written by {@link edgesToJSON}.
 *
 * @example
 * edgesFromJSON(json.state.edges, 'state.edges');
 */
export function edgesFromJSON(o: unknown, path: string): BinEdges {
  const j = (o ?? {}) as Record<string, unknown>;
  const nCols = j.nCols;
  if (typeof nCols !== 'number' || !Number.isInteger(nCols) || nCols < 1) {
    throw new ValidationError(`${path}.nCols must be a positive integer`, { path });
  }
  const e = allocateBinEdges(nCols, decodeArray(j.categorical, 'u8', `${path}.categorical`));
  e.nBins.set(decodeArray(j.nBins, 'i32', `${path}.nBins`));
  e.otherBin.set(decodeArray(j.otherBin, 'i32', `${path}.otherBin`));
  e.edges.set(decodeArray(j.edges, 'f64', `${path}.edges`));
  return e;
}
