/**
 * A batch job's folder, what makes it resumable: `job.json` (the plan, the input files
 * with their sizes and modification times, the settings), and for every mini-batch that
 * finished, its part of the output (`parts/NNNNNN.csv`) and then its journal entry
 * (`done/NNNNNN.json`, rows, bad rows, or the failure). An entry is written atomically
 * after its part is renamed into place, so an entry means a complete part; a part without
 * an entry (the job was killed while it was written) is scored again. The final output is
 * assembled from the parts in input order, so each row appears exactly once.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { DataError, ValidationError } from '../../core/errors.ts';
import { writeFileAtomic } from '../../core/files.ts';
import { processAlive } from '../../core/process-alive.ts';
import type { BadRows, MiniBatch, MiniBatchResult } from './plan.ts';

/** The identity of an input file when the job started: a resumed job refuses changed input. */
export interface InputFileStamp {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** What a job was started with (job.json). */
export interface JobManifest {
  readonly jobId: string;
  readonly endpoint: string;
  readonly deployment: string;
  /** The deployment's spec as JSON: a resume refuses a deployment changed since. */
  readonly deploymentSpec: string;
  readonly input: string;
  /** The input's folder (the `file` column is relative to it). */
  readonly root: string;
  readonly delimiter?: string;
  readonly files: readonly InputFileStamp[];
  readonly miniBatches: readonly MiniBatch[];
  /** The folder the output goes to. */
  readonly outputFolder: string;
  readonly outputFileName: string;
  readonly outputAction: 'append_row' | 'summary_only';
  readonly errorThreshold: number;
  readonly createdAt: number;
}

/** A journal entry: the mini-batch scored, or failed after its retries. */
export type JournalEntry =
  | ({ readonly status: 'done'; readonly attempts: number } & MiniBatchResult)
  | {
      readonly status: 'failed';
      readonly index: number;
      readonly attempts: number;
      readonly error: string;
      readonly files: readonly string[];
    };

/** Folder names inside a job folder. */
const PARTS = 'parts';
const DONE = 'done';

function pad(index: number): string {
  return String(index).padStart(6, '0');
}

/**
 * A job folder.
 *
 * @example
 * const journal = JobJournal.create(dir, manifest);
 * journal.record({ status: 'done', attempts: 1, ...result });
 * journal.entries(); // Map { 0 => {...} }
 */
export class JobJournal {
  private constructor(
    readonly dir: string,
    readonly manifest: JobManifest,
  ) {}

  /** Starts a job folder (it must not exist). */
  static create(dir: string, manifest: JobManifest): JobJournal {
    mkdirSync(join(dir, PARTS), { recursive: true });
    mkdirSync(join(dir, DONE), { recursive: true });
    writeFileAtomic(join(dir, 'job.json'), `${JSON.stringify(manifest)}\n`);
    return new JobJournal(dir, manifest);
  }

  /**
   * Opens the folder of a job to resume it: a DataError when it is missing, unreadable or
   * its output was assembled already.
   */
  static open(dir: string, jobId: string): JobJournal {
    const file = join(dir, 'job.json');
    if (!existsSync(file)) {
      throw new ValidationError(
        `batch job ${jobId} has no journal (${file} is missing): it cannot be resumed`,
        {
          path: '--resume',
          code: 'E_NOT_FOUND',
        },
      );
    }
    let manifest: JobManifest;
    try {
      manifest = JSON.parse(readFileSync(file, 'utf8')) as JobManifest;
    } catch (error) {
      throw new DataError(
        `the journal of batch job ${jobId}, ${file}, is damaged: ${(error as Error).message}`,
        'E_JOURNAL',
      );
    }
    mkdirSync(join(dir, PARTS), { recursive: true });
    mkdirSync(join(dir, DONE), { recursive: true });
    return new JobJournal(dir, manifest);
  }

  /**
   * Takes the job for this process (a `lock` file holding its pid): a second `--resume` of
   * a job still running elsewhere is refused; a lock left by a killed process is taken
   * over. Returns the function that releases it.
   */
  lock(): () => void {
    const file = join(this.dir, 'lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return () => rmSync(file, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const pid = Number(readFileSync(file, 'utf8'));
        if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
          throw new ValidationError(
            `batch job ${this.manifest.jobId} is running in process ${pid}: wait for it, or stop it first`,
            { path: '--resume', code: 'E_BUSY' },
          );
        }
        rmSync(file, { force: true });
      }
    }
    throw new DataError(`cannot take the lock ${file} of batch job ${this.manifest.jobId}`, 'E_JOURNAL');
  }

  /** Where a mini-batch's part of the output is written. */
  partFile(index: number): string {
    return join(this.dir, PARTS, `${pad(index)}.csv`);
  }

  /** Records a finished mini-batch (after its part was renamed into place). */
  record(entry: JournalEntry): void {
    writeFileAtomic(join(this.dir, DONE, `${pad(entry.index)}.json`), JSON.stringify(entry));
  }

  /**
   * The finished mini-batches. Parts without an entry, and temporary files of a thread
   * that was killed, are removed: those mini-batches are scored again.
   */
  entries(): Map<number, JournalEntry> {
    const entries = new Map<number, JournalEntry>();
    for (const name of readdirSync(join(this.dir, DONE))) {
      if (!/^\d{6}\.json$/.test(name)) continue;
      const entry = JSON.parse(readFileSync(join(this.dir, DONE, name), 'utf8')) as JournalEntry;
      entries.set(entry.index, entry);
    }
    for (const name of readdirSync(join(this.dir, PARTS))) {
      const index = /^(\d{6})\.csv$/.exec(name);
      if (index === null || !entries.has(Number(index[1])))
        rmSync(join(this.dir, PARTS, name), { force: true });
    }
    return entries;
  }

  /** The input files that changed since the job started (size or modification time), or vanished. */
  changedInputs(): string[] {
    return this.manifest.files
      .filter((f) => {
        try {
          const s = statSync(f.path);
          return s.size !== f.size || s.mtimeMs !== f.mtimeMs;
        } catch {
          return true;
        }
      })
      .map((f) => f.path);
  }

  /** Writes the job's summary beside the journal (summary.json). */
  writeSummary(summary: unknown): string {
    const file = join(this.dir, 'summary.json');
    writeFileAtomic(file, `${JSON.stringify(summary, null, 2)}\n`);
    return file;
  }

  /** Reads the summary of a job that ended, if it has one. */
  static readSummary(dir: string): unknown {
    const file = join(dir, 'summary.json');
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as unknown) : undefined;
  }

  /** Removes the parts once the output is assembled (the entries and summary stay). */
  removeParts(): void {
    rmSync(join(this.dir, PARTS), { recursive: true, force: true });
  }
}

/** Bad rows of a job, as its summary lists them. */
export type { BadRows };
