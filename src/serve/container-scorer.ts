/**
 * A deployment's scoring module run inside a container image (an `image` environment).
 * A container cannot host a thread of the server, so the module runs in a process of its
 * own: `<docker|podman> run --rm -i` of the image, the code folder and the model folder
 * mounted read-only at the same paths, AZUREML_MODEL_DIR and the environment's variables
 * set, running the image's `node` on a small host program (HOST below) that imports the
 * module, calls `init()` once, then answers one request per line of its stdin with
 * `run(body)`. Requests are answered in order, one at a time (a container is one
 * instance). The image needs Node.js on its PATH. The model itself (its schema, and
 * `/score` without a module) stays on the server's threads.
 *
 * The host's answers are lines starting with MARK on its stdout; anything else the module
 * prints is passed to `onOutput`. A request that times out is answered 408 by the server
 * while the container finishes it; the container ends when the deployment retires.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** How a scoring container is started. */
export interface ContainerScorerOptions {
  /** docker or podman (a path), as containerRuntime found it. */
  readonly runtime: string;
  readonly image: string;
  /** The scoring module (absolute) and the folders mounted: its code folder and the model's. */
  readonly scoringScript: string;
  readonly codeDir: string;
  readonly modelDir: string;
  /** Variables set inside the container (the environment's, AZUREML_MODEL_DIR). */
  readonly variables: Readonly<Record<string, string>>;
  /** The module's own output lines (default: dropped). */
  readonly onOutput?: (line: string) => void;
}

/** The prefix of the host's protocol lines on its stdout. */
const MARK = '\u001emlsweep-host ';

/** The program the image's node runs: argv[1] is the scoring module. */
const HOST = `
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
const MARK = ${JSON.stringify(MARK)};
const say = (o) => process.stdout.write(MARK + JSON.stringify(o) + '\\n');
const message = (e) => (e && e.message) || String(e);
let mod;
try {
  mod = await import(pathToFileURL(process.argv[1]).href);
  if (typeof mod.run !== 'function') throw new Error('the scoring module ' + process.argv[1] + ' does not export a function run(body)');
  if (typeof mod.init === 'function') await mod.init();
  say({ ready: true });
} catch (e) {
  say({ ready: false, error: message(e) });
  process.exit(1);
}
for await (const line of createInterface({ input: process.stdin })) {
  if (line === '') continue;
  const { id, body } = JSON.parse(line);
  try {
    say({ id, ok: true, value: (await mod.run(body)) ?? null });
  } catch (e) {
    say({ id, ok: false, error: message(e) });
  }
}
`;

/**
 * The argv that starts a scoring container: variables passed by name (`-e NAME`, their
 * values in the runtime's environment, never in the argv).
 *
 * @example
 * containerArgv({ runtime: 'docker', image: 'node:20', scoringScript: '/c/score.mjs', codeDir: '/c', modelDir: '/m', variables: {} });
 */
export function containerArgv(options: ContainerScorerOptions): string[] {
  return [
    options.runtime,
    'run',
    '--rm',
    '-i',
    '-v',
    `${options.codeDir}:${options.codeDir}:ro`,
    '-v',
    `${options.modelDir}:${options.modelDir}:ro`,
    '-w',
    options.codeDir,
    ...Object.keys(options.variables).flatMap((name) => ['-e', name]),
    options.image,
    'node',
    '--input-type=module',
    '-e',
    HOST,
    options.scoringScript,
  ];
}

interface Waiting {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * A running scoring container.
 *
 * @example
 * const scorer = await ContainerScorer.start({ runtime, image: 'node:20-slim', scoringScript, codeDir, modelDir, variables });
 * await scorer.run({ input_data: … });
 * await scorer.close();
 */
export class ContainerScorer {
  private readonly waiting = new Map<number, Waiting>();
  private next = 0;
  private exited: Error | undefined;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {}

  /** Starts the container and waits until the module is imported and its init() has run. */
  static start(options: ContainerScorerOptions): Promise<ContainerScorer> {
    const [command, ...args] = containerArgv(options);
    const child = spawn(command!, args, {
      env: { ...process.env, ...options.variables },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const scorer = new ContainerScorer(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4096);
    });
    return new Promise((resolve, reject) => {
      let ready = false;
      const fail = (error: Error) => {
        scorer.exited = error;
        for (const w of scorer.waiting.values()) w.reject(error);
        scorer.waiting.clear();
        if (!ready) reject(error);
      };
      child.once('error', (error) =>
        fail(new Error(`the scoring container could not start: ${error.message}`)),
      );
      child.once('close', (code, signal) =>
        fail(
          new Error(
            `the scoring container ended (${signal ?? `exit ${code}`})${stderr.trim() ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`,
          ),
        ),
      );
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (!line.startsWith(MARK)) {
          options.onOutput?.(line);
          return;
        }
        const message = JSON.parse(line.slice(MARK.length)) as {
          ready?: boolean;
          id?: number;
          ok?: boolean;
          value?: unknown;
          error?: string;
        };
        if (message.ready !== undefined) {
          if (message.ready) {
            ready = true;
            resolve(scorer);
          } else fail(new Error(message.error ?? 'the scoring module failed to load'));
          return;
        }
        const w = scorer.waiting.get(message.id!);
        if (w === undefined) return;
        scorer.waiting.delete(message.id!);
        if (message.ok) w.resolve(message.value);
        else w.reject(new Error(message.error ?? 'run failed'));
      });
    });
  }

  /** Gives a request body to the module's `run`, in the container. */
  run(body: unknown): Promise<unknown> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ id, body })}\n`);
    });
  }

  /** Ends the container: its stdin closes (the host ends), SIGTERM after `graceMs`. */
  async close(graceMs = 5000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const closed = new Promise<void>((resolve) => this.child.once('close', () => resolve()));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGTERM'), graceMs);
    await closed;
    clearTimeout(timer);
  }
}
