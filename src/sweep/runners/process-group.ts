import type { ChildProcess } from 'node:child_process';

/**
 * Stops a child started with `detached: true` (its own process group): SIGTERM to the
 * whole group, then SIGKILL `graceMs` later if it has not exited. Returns a function that
 * sends SIGKILL at once (a second Ctrl-C). The grace period runs until the child's stdio
 * closes, i.e. until every process of the group holding it has gone.
 *
 * @example
 * const killNow = terminateGroup(child, 5000);
 */
export function terminateGroup(child: ChildProcess, graceMs: number): () => void {
  const kill = () => signalGroup(child, 'SIGKILL');
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(kill, graceMs);
  // Not on 'exit': a shell may die of SIGTERM while the program it started ignores it.
  child.once('close', () => clearTimeout(timer));
  return kill;
}

/**
 * Sends a signal to the process group of `child` (falls back to the child alone where
 * groups do not exist); a group that is already gone is not an error.
 *
 * @example
 * signalGroup(child, 'SIGKILL');
 */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(process.platform === 'win32' ? child.pid : -child.pid, signal);
  } catch {
    // ESRCH: already exited.
  }
}
