/**
 * The output convention of every reporting command: with --json, exactly one JSON
 * document on stdout (progress and logs go to stderr); without, human-readable text.
 * Non-finite numbers are written as the strings "NaN", "Infinity" and "-Infinity" (see
 * `toJson`).
 *
 * @example
 * printResult(options.json === true, result, () => summary(result));
 */
export function printResult(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${toJson(value)}\n` : `${human()}\n`);
}

/**
 * JSON of a command's result, indented. JSON has no NaN or infinities and
 * `JSON.stringify` writes them as null, which reads as "no value": a diverged metric
 * would look like a missing one. They are written as the strings "NaN", "Infinity" and
 * "-Infinity" instead (the names Python's json module and the metrics protocol use).
 *
 * @example
 * toJson({ value: Number.NaN, best: Infinity }); // '{\n  "value": "NaN",\n  "best": "Infinity"\n}'
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value, nonFinite, 2);
}

function nonFinite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/** Progress and log lines: always stderr, so stdout stays parseable. */
export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}
