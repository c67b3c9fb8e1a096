/**
 * The output convention of every reporting command: with --json, exactly one JSON
 * document on stdout (progress and logs go to stderr); without, human-readable text.
 */
export function printResult(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

/** Progress and log lines: always stderr, so stdout stays parseable. */
export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}
