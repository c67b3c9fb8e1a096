/**
 * What every studio API module shares: the store, the registry, the live event hub, who is
 * asking, and the audit log that records each write (who, when, what).
 */
import type { FastifyRequest } from 'fastify';
import type { ModelRegistry } from '../../registry/model-registry.ts';
import type { SqliteStore } from '../../tracking/sqlite-store.ts';

/** The live topics the studio publishes (the store watcher and in-process writes). */
export const STUDIO_TOPICS = [
  'runs',
  'metrics',
  'sweeps',
  'models',
  'endpoints',
  'pipelines',
  'schedules',
  'audit',
] as const;

/** One of {@link STUDIO_TOPICS}. */
export type StudioTopic = (typeof STUDIO_TOPICS)[number];

/** Publishes live events to every open page (server-sent events at `/studio/api/events`). */
export interface StudioEvents {
  /** Sends `data` (JSON) under `topic` to every subscriber, now. */
  publish(topic: string, data: unknown): void;
}

/** The state every studio API module works with. */
export interface StudioContext {
  readonly store: SqliteStore;
  readonly registry: ModelRegistry;
  /** The store folder (with PostgreSQL: the artifacts folder). */
  readonly storeDir: string;
  readonly events: StudioEvents;
  /** Who is asking, for the audit log: `key` behind a key, else `local`, with the address. */
  actor(request: FastifyRequest): string;
  /**
   * Records a write in the store's audit log (who = actor(request), when = now) and
   * publishes it on the `audit` topic.
   */
  audit(request: FastifyRequest, action: string, target: string, detail: Record<string, unknown>): void;
}
