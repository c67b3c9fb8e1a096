/**
 * The live event hub: API modules and the store watcher publish `(topic, data)`, and every
 * open page receives it as a server-sent event on one `/studio/api/events` stream.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StudioEvents } from './context.ts';

/** A listener of the hub: gets each published event. */
export type StudioListener = (topic: string, data: unknown) => void;

/** The hub: {@link StudioEvents} plus subscriptions, for the SSE route and tests. */
export interface StudioEventHub extends StudioEvents {
  /** Calls `listener` for each event until the returned function is called. */
  subscribe(listener: StudioListener): () => void;
  /** How many listeners are subscribed (open streams included). */
  readonly size: number;
}

/**
 * Creates an event hub. A listener that throws is dropped (a closed stream) so one bad
 * subscriber never stops the others.
 *
 * @example
 * const hub = createEventHub();
 * const stop = hub.subscribe((topic, data) => console.log(topic, data));
 * hub.publish('runs', { count: 3 });
 * stop();
 */
export function createEventHub(): StudioEventHub {
  const listeners = new Set<StudioListener>();
  return {
    publish(topic, data) {
      for (const listener of [...listeners]) {
        try {
          listener(topic, data);
        } catch {
          listeners.delete(listener);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    get size() {
      return listeners.size;
    },
  };
}

/** How often an idle stream sends a comment, so proxies and the browser keep it open. */
const KEEPALIVE_MS = 15_000;

/**
 * Answers a request with a server-sent event stream of the hub's events (`event: TOPIC`,
 * `data: JSON`) until the client goes or `closing` fires (the server stops).
 *
 * @example
 * app.get('/studio/api/events', (request, reply) => streamEvents(hub, request, reply, closing));
 */
export function streamEvents(
  hub: StudioEventHub,
  request: FastifyRequest,
  reply: FastifyReply,
  closing: { add(fn: () => void): void; delete(fn: () => void): void },
): void {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-content-type-options': 'nosniff',
  });
  raw.write('retry: 1000\n: connected\n\n');
  const unsubscribe = hub.subscribe((topic, data) => {
    raw.write(`event: ${topic}\ndata: ${JSON.stringify(data ?? null)}\n\n`);
  });
  const keepalive = setInterval(() => raw.write(': keepalive\n\n'), KEEPALIVE_MS);
  keepalive.unref();
  const end = () => {
    clearInterval(keepalive);
    unsubscribe();
    closing.delete(end);
    if (!raw.writableEnded) raw.end();
  };
  closing.add(end);
  request.raw.on('close', end);
}
