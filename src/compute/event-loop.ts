/**
 * Lets the event loop run once (timers, I/O, other callbacks) before resolving: what async
 * work on the TypeScript backend does between synchronous steps, so that a long fit does
 * not hold up the process.
 *
 * @example
 * for (const step of steps) { step(); await nextTurn(); }
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
