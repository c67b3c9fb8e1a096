/**
 * MLflow's artifact proxy (`/api/2.0/mlflow-artifacts/artifacts/…`: upload, download,
 * list, delete) over mlsweep's artifact folders, and the older `artifacts/list?run_id=`.
 * A run's `artifact_uri` (`mlflow-artifacts:/<experiment_id>/<run_id>/artifacts`) resolves
 * to the folder where mlsweep keeps that run's artifacts (artifact-paths.ts).
 */
import { createReadStream, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { openAtomicWriteStream } from '../../core/files.ts';
import { type ArtifactLocation, resolveArtifactPath, runArtifactUri } from './artifact-paths.ts';
import { MlflowApiError, type MlflowContext } from './context.ts';
import { fieldsOf, optionalString, requiredString } from './request.ts';

/** One entry of a listing, as MLflow answers it. */
interface FileInfo {
  readonly path: string;
  readonly is_dir: boolean;
  readonly file_size?: number;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.html': 'text/plain',
  '.yaml': 'text/plain',
  '.yml': 'text/plain',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'text/plain',
};

/**
 * Mounts the artifact routes: the proxy under `${prefix}-artifacts` and
 * `${prefix}/artifacts/list`.
 *
 * @example
 * registerArtifactRoutes(app, '/api/2.0/mlflow', context);
 */
export function registerArtifactRoutes(app: FastifyInstance, prefix: string, context: MlflowContext): void {
  const root = context.artifactRoot;
  const proxy = `${prefix}-artifacts/artifacts`;

  app.get(`${prefix}/artifacts/list`, async (request) => {
    const fields = fieldsOf(request);
    const run = context.store.run(requiredString(fields, 'run_id') as string);
    const sub = optionalString(fields, 'path') ?? '';
    const base = runArtifactUri(run.experimentId, run.id);
    const location = resolveArtifactPath(root, `${run.experimentId}/${run.id}/artifacts/${sub}`);
    const prefixPath = location.path.split('/').slice(3).join('/');
    const files = listFolder(location.local).map((f) => ({
      ...f,
      path: prefixPath === '' ? f.path : `${prefixPath}/${f.path}`,
    }));
    return { root_uri: base, files };
  });

  // Uploads are raw bytes of any type, JSON included: this scope reads no body itself.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));

    scope.put(`${proxy}/*`, async (request) => {
      const location = resolveArtifactPath(root, wildcard(request));
      if (location.kind !== 'file' || location.path === '') {
        throw new MlflowApiError(
          'INVALID_PARAMETER_VALUE',
          `Cannot upload to '${location.path}': name a file`,
        );
      }
      if (existsSync(location.local) && statSync(location.local).isDirectory()) {
        throw new MlflowApiError(
          'INVALID_PARAMETER_VALUE',
          `Cannot upload to '${location.path}': it is a folder`,
        );
      }
      mkdirSync(dirname(location.local), { recursive: true });
      // Written under a temporary name and renamed when the whole body arrived: a reader
      // never sees part of a file, and a cut upload leaves the old file (or none).
      const out = openAtomicWriteStream(location.local);
      try {
        await pipeline(request.raw, out.stream, { end: false });
        await out.commit();
      } catch (error) {
        out.abort();
        throw error;
      }
      return {};
    });
  });

  app.get(`${proxy}/*`, async (request, reply) =>
    sendArtifact(reply, resolveArtifactPath(root, wildcard(request))),
  );

  app.get(proxy, async (request) => {
    const path = optionalString(fieldsOf(request), 'path') ?? '';
    const location = resolveArtifactPath(root, path);
    if (location.kind === 'run-folder') {
      return { files: existsSync(location.local) ? [{ path: 'artifacts', is_dir: true }] : [] };
    }
    return { files: listFolder(location.local) };
  });

  app.delete(`${proxy}/*`, async (request) => {
    const location = resolveArtifactPath(root, wildcard(request));
    if (location.kind !== 'file' || location.path === '') {
      throw new MlflowApiError(
        'INVALID_PARAMETER_VALUE',
        `Cannot delete '${location.path}': name a file or a folder in a run's artifacts/`,
      );
    }
    // As MLflow's server: deleting what is not there succeeds.
    rmSync(location.local, { recursive: true, force: true });
    return {};
  });
}

function wildcard(request: FastifyRequest): string {
  return (request.params as Record<string, string>)['*'] ?? '';
}

/**
 * Answers with a file's bytes (its type guessed from its extension); MLflow's
 * RESOURCE_DOES_NOT_EXIST when it is absent, INVALID_PARAMETER_VALUE for a folder.
 *
 * @example
 * return sendArtifact(reply, resolveArtifactPath(root, '1/<run id>/artifacts/model.json'));
 */
export function sendArtifact(reply: FastifyReply, location: ArtifactLocation): FastifyReply {
  if (location.kind !== 'file' || !existsSync(location.local)) {
    throw new MlflowApiError('RESOURCE_DOES_NOT_EXIST', `Artifact '${location.path}' not found`);
  }
  const stat = statSync(location.local);
  if (stat.isDirectory()) {
    throw new MlflowApiError(
      'INVALID_PARAMETER_VALUE',
      `Artifact '${location.path}' is a folder: list it instead`,
    );
  }
  const type = CONTENT_TYPES[extname(location.local).toLowerCase()] ?? 'application/octet-stream';
  return reply.type(type).header('content-length', stat.size).send(createReadStream(location.local));
}

/**
 * The entries of a folder (names, not paths), folders first then by name; [] when absent.
 * Temporary files of uploads in progress are left out.
 *
 * @example
 * listFolder('/store/artifacts/1/<run id>'); // [{ path: 'model', is_dir: true }]
 */
export function listFolder(local: string): FileInfo[] {
  if (!existsSync(local) || !statSync(local).isDirectory()) return [];
  return readdirSync(local, { withFileTypes: true })
    .filter((e) => !(e.name.startsWith('.') && e.name.endsWith('.tmp')))
    .map((e) =>
      e.isDirectory()
        ? { path: e.name, is_dir: true }
        : { path: e.name, is_dir: false, file_size: statSync(join(local, e.name)).size },
    )
    .sort((a, b) => (a.is_dir === b.is_dir ? (a.path < b.path ? -1 : 1) : a.is_dir ? -1 : 1));
}
