// A server-sent events client for tests of the studio's live stream.
import { type Json, UI_WAIT_MS } from './browser.ts';

/**
 * Reads the studio's server-sent events (`/studio/api/events`) as a client of its own:
 * each event kept, `waitFor` resolving with the first of a topic that a check accepts.
 *
 * @example
 * const stream = await openEvents(studio.url);
 * await stream.waitFor('sweeps', (data) => data.sweepIds.includes(id));
 * stream.close();
 */
export async function openEvents(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(`${url}/studio/api/events`, { headers, signal: controller.signal });
  const events: Array<{ topic: string; data: Json }> = [];
  const waiters: Array<() => void> = [];
  if (response.ok && response.body) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    (async () => {
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const topic = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (topic !== undefined && data !== undefined) {
            events.push({ topic, data: JSON.parse(data) });
            for (const wake of waiters.splice(0)) wake();
          }
          end = buffer.indexOf('\n\n');
        }
      }
    })();
  }
  return {
    response,
    events,
    /** Resolves with the first event (seen or to come) of `topic` that `match` accepts. */
    async waitFor(topic: string, match: (data: Json) => boolean = () => true, timeoutMs = UI_WAIT_MS) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find((e) => e.topic === topic && match(e.data));
        if (found) return found.data;
        if (Date.now() > deadline) throw new Error(`no ${topic} event; got ${JSON.stringify(events)}`);
        await new Promise<void>((wake) => {
          waiters.push(wake);
          setTimeout(wake, 250).unref();
        });
      }
    },
    close: () => controller.abort(),
  };
}
