import {
  accessSync,
  closeSync,
  constants,
  copyFileSync,
  createWriteStream,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  type WriteStream,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ValidationError } from './errors.ts';

/**
 * The temporary name beside `path` that a file is written under before it is renamed into
 * place: same folder (so the rename is atomic on one file system), hidden, unique per
 * process and call.
 */
function temporaryName(path: string): string {
  const random = Math.floor(Math.random() * 0x100000000).toString(36);
  return join(dirname(path), `.${basename(path)}.${process.pid}.${random}.tmp`);
}

/**
 * Writes `data` to `path` atomically: to a temporary file beside it, flushed to disk, then
 * renamed over `path`. A reader sees the old file or the whole new one, never a part; a
 * crash or an error leaves the old file as it was (the temporary file is removed).
 *
 * @example
 * writeFileAtomic('model.json', JSON.stringify(model));
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temporary = temporaryName(path);
  try {
    const fd = openSync(temporary, 'w', 0o644);
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** A stream to a temporary file that becomes `path` on `commit()`, or vanishes on `abort()`. */
export interface AtomicWriteStream {
  readonly stream: WriteStream;
  /** Ends the stream, waits until it is flushed, then renames it over the destination. */
  commit(): Promise<void>;
  /** Destroys the stream and removes the temporary file; the destination is untouched. */
  abort(): void;
}

/**
 * A write stream with the guarantee of `writeFileAtomic`: what is written goes to a
 * temporary file beside `path`, renamed into place only by `commit()`. For outputs too
 * large to build in memory (predictions of a large CSV).
 *
 * @example
 * const out = openAtomicWriteStream('predictions.csv');
 * out.stream.write('prediction\n1\n');
 * await out.commit();
 */
export function openAtomicWriteStream(path: string): AtomicWriteStream {
  const temporary = temporaryName(path);
  const stream = createWriteStream(temporary, { mode: 0o644 });
  let settled = false;
  // Kept so that a failure (the folder vanished, the disk is full) is reported by commit()
  // or by the writer, never as an uncaught 'error' event.
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure ??= error;
  });
  return {
    stream,
    commit: () =>
      new Promise<void>((done, fail) => {
        if (settled) throw new Error(`the output ${path} was already committed or aborted`);
        settled = true;
        if (failure !== undefined) {
          stream.destroy();
          rmSync(temporary, { force: true });
          fail(failure);
          return;
        }
        stream.once('error', (error) => {
          rmSync(temporary, { force: true });
          fail(error);
        });
        stream.end(() => {
          try {
            renameSync(temporary, path);
            done();
          } catch (error) {
            rmSync(temporary, { force: true });
            fail(error);
          }
        });
      }),
    abort() {
      if (settled) return;
      settled = true;
      stream.destroy();
      rmSync(temporary, { force: true });
    },
  };
}

/**
 * Copies a file or a folder (recursively) to `target` so that no reader ever sees a part
 * of a file: each file is copied to a temporary name beside its destination and renamed
 * into place. Files already in a target folder and not in `source` are kept (a merge, as
 * `cp -r` does).
 *
 * @example
 * copyAtomic('model.json', 'mlruns/models/iris/1/model.json');
 */
export function copyAtomic(source: string, target: string): void {
  if (statSync(source).isDirectory()) {
    mkdirSync(target, { recursive: true });
    for (const entry of readdirSync(source)) copyAtomic(join(source, entry), join(target, entry));
    return;
  }
  const temporary = temporaryName(target);
  try {
    copyFileSync(source, temporary);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Two paths that name one file (same device and inode), when both exist. */
function sameFile(a: string, b: string): boolean {
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return resolve(a) === resolve(b);
  }
}

/**
 * Checks, before any work, that a file can be written at `path`: its folder exists and is
 * writable, `path` is not a folder, and it is not the same file as one of `inputs` (an
 * output must never destroy an input). Throws a `ValidationError` naming the option.
 *
 * @example
 * checkOutputFile('preds.csv', '--out', { '--data': 'data.csv' });
 */
export function checkOutputFile(
  path: string,
  option: string,
  inputs: Readonly<Record<string, string | undefined>> = {},
): void {
  const folder = dirname(resolve(path));
  const where = `${option} ${path}`;
  let folderStat: ReturnType<typeof statSync>;
  try {
    folderStat = statSync(folder);
  } catch {
    throw new ValidationError(`${where}: the folder ${folder} does not exist`, { path: option });
  }
  if (!folderStat.isDirectory())
    throw new ValidationError(`${where}: ${folder} is not a folder`, { path: option });
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new ValidationError(`${where}: the folder ${folder} is not writable`, { path: option });
  }
  let existing: ReturnType<typeof statSync> | undefined;
  try {
    existing = statSync(path);
  } catch {
    existing = undefined;
  }
  if (existing?.isDirectory())
    throw new ValidationError(`${where}: is a folder, expected a file name`, { path: option });
  for (const [inputOption, input] of Object.entries(inputs)) {
    if (input !== undefined && existing !== undefined && sameFile(path, input)) {
      throw new ValidationError(
        `${where} is the same file as ${inputOption} ${input}: writing it would destroy the input; choose another output`,
        { path: option },
      );
    }
  }
}

/**
 * Checks, before any work, that `path` can serve as an output folder: it exists as a
 * writable folder, or its parent does (it will be created). Throws a `ValidationError`
 * naming the option.
 *
 * @example
 * checkOutputFolder('runs/trials', '--output-dir');
 */
export function checkOutputFolder(path: string, option: string): void {
  const where = `${option} ${path}`;
  let stat: ReturnType<typeof statSync> | undefined;
  try {
    stat = statSync(path);
  } catch {
    stat = undefined;
  }
  if (stat !== undefined) {
    if (!stat.isDirectory())
      throw new ValidationError(`${where}: is a file, expected a folder`, { path: option });
    try {
      accessSync(path, constants.W_OK);
    } catch {
      throw new ValidationError(`${where}: the folder is not writable`, { path: option });
    }
    return;
  }
  checkOutputFile(path, option);
}
