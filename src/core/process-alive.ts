/**
 * Whether a process with this id exists on this machine: signal 0 checks without sending
 * anything, and EPERM means it exists under another user. For locks and journals that
 * record their owner's pid, to tell a live owner from one that died.
 *
 * @example
 * processAlive(process.pid); // true
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
