// How the CLI talks about mistakes: a usage error or a bad input is one line on stderr
// (`mlsweep: <what>`, plus a hint where to read more) and exit code 2, never a stack trace;
// a job that failed is exit code 1; only a bug in mlsweep prints a stack trace.
import { type Command, CommanderError } from 'commander';
import {
  BackendUnavailableError,
  ConfigError,
  DataError,
  MlsweepError,
  ValidationError,
} from '../core/errors.ts';

/** Exit code of a usage error or of input mlsweep cannot use (the README's contract). */
export const USAGE_EXIT_CODE = 2;
/** Exit code of a job that ran and failed. */
export const FAILURE_EXIT_CODE = 1;

/** `mlsweep models list` for the `list` subcommand of `models`. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Applies the CLI conventions to a program and every subcommand (call it after they are
 * all registered): commander throws instead of exiting, and prints a usage error as one
 * line `mlsweep: <what>` and one hint line naming the command's help, not the whole help.
 *
 * @example
 * registerPredict(program);
 * applyUsageConventions(program);
 */
export function applyUsageConventions(program: Command): void {
  const visit = (command: Command) => {
    const hint = `see '${commandPath(command)} --help'`;
    command.exitOverride().configureOutput({
      // commander's message starts with 'error: ' and may put a suggestion on a second line
      outputError: (message, write) =>
        write(
          `mlsweep: ${message
            .trim()
            .replace(/^error: /, '')
            .replace(/\s*\n\s*/g, ' ')}\n${hint}\n`,
        ),
    });
    for (const sub of command.commands) visit(sub);
  };
  visit(program);
}

/** Errors of the file system that mean the user named a path that cannot be used. */
const USER_PATH_ERRORS = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'ENAMETOOLONG', 'ELOOP']);

function systemErrorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, syscall } = error as NodeJS.ErrnoException;
  return typeof code === 'string' && typeof syscall === 'string' ? code : undefined;
}

/**
 * The exit code for an error that ended a command, and whether it deserves a stack trace.
 * Usage errors and the user's input (ValidationError, ConfigError, DataError, a backend
 * asked for that is not here, a path that cannot be read) are 2; a job that failed
 * (TrialError and other MlsweepErrors, a full disk) is 1; anything else is a bug in
 * mlsweep: 1 with its stack trace.
 *
 * @example
 * exitCodeFor(new ValidationError('--seed must be an integer')); // { code: 2, trace: false }
 */
export function exitCodeFor(error: unknown): { code: number; trace: boolean } {
  if (error instanceof CommanderError) {
    return { code: error.exitCode === 0 ? 0 : USAGE_EXIT_CODE, trace: false };
  }
  if (
    error instanceof ValidationError ||
    error instanceof ConfigError ||
    error instanceof DataError ||
    error instanceof BackendUnavailableError
  ) {
    return { code: USAGE_EXIT_CODE, trace: false };
  }
  if (error instanceof MlsweepError) return { code: FAILURE_EXIT_CODE, trace: false };
  const system = systemErrorCode(error);
  if (system !== undefined) {
    return { code: USER_PATH_ERRORS.has(system) ? USAGE_EXIT_CODE : FAILURE_EXIT_CODE, trace: false };
  }
  return { code: FAILURE_EXIT_CODE, trace: true };
}

/**
 * Prints the error that ended a command the CLI's way and returns the exit code: nothing
 * for commander's own exits (its message was printed already), one line for a known
 * error, the stack trace for a bug (and for anything when MLSWEEP_DEBUG is set).
 *
 * @example
 * try { await program.parseAsync(); } catch (error) { process.exit(reportCliError(error)); }
 */
export function reportCliError(error: unknown): number {
  const { code, trace } = exitCodeFor(error);
  if (error instanceof CommanderError) return code;
  const debug = process.env.MLSWEEP_DEBUG !== undefined && process.env.MLSWEEP_DEBUG !== '';
  if ((trace || debug) && error instanceof Error) process.stderr.write(`${error.stack ?? error.message}\n`);
  else process.stderr.write(`mlsweep: ${error instanceof Error ? error.message : String(error)}\n`);
  return code;
}
