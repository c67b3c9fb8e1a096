/**
 * Watches the first trials to end: when the first `count` of them all failed with the
 * same error (numbers aside, since messages often quote parameter values), the sweep
 * is better stopped than left to burn its budget on, say, a command that is not found.
 *
 * @example
 * const watch = sameErrorWatch(3);
 * watch.ended('failed', 'sh: 1: trian.py: not found'); // undefined, twice more -> the message
 */
export function sameErrorWatch(count: number | false): {
  ended(status: string, error: string | undefined): string | undefined;
} {
  const seen: string[] = [];
  let off = count === false || count < 1;
  return {
    ended(status, error) {
      if (off) return undefined;
      if (status !== 'failed' || error === undefined) {
        off = true;
        return undefined;
      }
      const shape = error.replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/gi, '#');
      if (seen.length > 0 && seen[0] !== shape) {
        off = true;
        return undefined;
      }
      seen.push(shape);
      if (seen.length < (count as number)) return undefined;
      off = true;
      return `the first ${seen.length} trials all failed with the same error: ${error}`;
    },
  };
}
