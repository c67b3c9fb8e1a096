// Trials for the worker tests and the distributed-sweep benchmark. `default` is a
// zero-cost trial: its metric is computed from its parameters at once (what is measured
// is the claiming, leasing and settling, not the trial). `hold` runs until it is stopped
// (a worker's hand-back, a sweep's timeout) and reports a first point meanwhile; `curve`
// reports a learning curve for early termination; `sleepy` takes `ms` (default 100) to finish;
// `gated` waits for a file the test creates.
export default function zeroCost(params) {
  return { loss: (Number(params.x) - 2) ** 2 };
}

export function hold(params, ctx) {
  ctx.report('loss', Number(params.x), 0);
  return new Promise((_resolve, reject) => {
    if (ctx.signal.aborted) reject(ctx.signal.reason);
    ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
  });
}

export async function curve(params, ctx) {
  for (let step = 0; step < 5; step++) {
    ctx.report('loss', Number(params.x) + 1 / (step + 1), step);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (ctx.signal.aborted) throw ctx.signal.reason;
  }
}

export async function sleepy(params, ctx) {
  await new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, Number(params.ms ?? 100));
    ctx.signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(ctx.signal.reason);
      },
      { once: true },
    );
  });
  return { loss: (Number(params.x) - 2) ** 2 };
}

/** Waits until the file named by MLSWEEP_TEST_GATE exists (a test opens the gate), then completes. */
export async function gated(params, ctx) {
  const { existsSync } = await import('node:fs');
  const gate = process.env.MLSWEEP_TEST_GATE;
  while (gate !== undefined && !existsSync(gate)) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { loss: (Number(params.x) - 2) ** 2 };
}

/** Fails every time alike, but for the number it quotes (the fail-fast tests). */
export function broken(params) {
  throw new Error(`cannot open /data/missing-${Number(params.x).toFixed(3)}.csv`);
}

/** Reports the thread it ran on (the in-process tests). */
export async function where(params) {
  const { threadId } = await import('node:worker_threads');
  return { loss: (Number(params.x) - 2) ** 2, thread: threadId };
}
