// Drives test/studio/ui/fixtures/live-logger.ts in another process: each `step()` makes
// it log one more metric point and resolves once that write has committed.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./fixtures/live-logger.ts', import.meta.url));

/** A logger process. */
export interface LiveLogger {
  /** Its run's id (known once the first point is logged). */
  readonly runId: string;
  /** Logs the next step; resolves with its number once committed. */
  step(): Promise<number>;
  /** Marks the run finished and waits for the process to end. */
  finish(): Promise<void>;
  /** Kills it if still running. */
  kill(): void;
}

/**
 * Starts a logger writing run `name` into `storeDir`; resolves after its step 0.
 *
 * @example
 * const logger = await startLiveLogger(studio.storeDir, 'live-1');
 * await logger.step(); // step 1 committed
 */
export async function startLiveLogger(storeDir: string, name: string): Promise<LiveLogger> {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ['--import', 'tsx', SCRIPT, storeDir, name],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string[]> => {
    const line = await lines.next();
    if (line.done) throw new Error(`the logger ended: ${stderr}`);
    return line.value.split(' ');
  };
  const first = await next();
  const runId = first[1]!;
  return {
    runId,
    async step() {
      child.stdin.write('next\n');
      return Number((await next())[2]);
    },
    async finish() {
      const ended = new Promise((done) => child.once('exit', done));
      child.stdin.end('finish\n');
      await next();
      await ended;
    },
    kill() {
      if (child.exitCode === null) child.kill();
    },
  };
}
