/**
 * Where an `mlflow-artifacts:/` path lives on disk. A run's artifact URI is
 * `mlflow-artifacts:/<experiment_id>/<run_id>/artifacts`, and mlsweep keeps that run's
 * files in `<artifact root>/<experiment_id>/<run_id>/` (src/tracking's layout): the
 * `artifacts` segment after a run id is dropped. Every other path (logged models'
 * `<experiment_id>/models/<model_id>/artifacts`) maps as it is.
 */
import { join } from 'node:path';
import { MlflowApiError } from './context.ts';

const RUN_ID = /^[0-9a-f]{32}$/;

/** An artifact path resolved: its file on disk, or the virtual folder above a run's files. */
export type ArtifactLocation =
  | { readonly kind: 'file'; readonly local: string; readonly path: string }
  /** `<experiment_id>/<run_id>`: holds only the `artifacts` folder. */
  | { readonly kind: 'run-folder'; readonly local: string; readonly path: string };

/**
 * Splits and checks an artifact path: no `..`, `.`, backslashes or NUL (a path never
 * leaves the artifact root), empty segments dropped.
 *
 * @example
 * artifactSegments('0/abc/artifacts/model.json'); // ['0', 'abc', 'artifacts', 'model.json']
 */
export function artifactSegments(path: string): string[] {
  const segments = path.split('/').filter((s) => s !== '');
  for (const segment of segments) {
    if (segment === '..' || segment === '.' || segment.includes('\\') || segment.includes('\0')) {
      throw new MlflowApiError(
        'INVALID_PARAMETER_VALUE',
        `Invalid artifact path '${path}': it must stay inside the artifact root (no '..', '.', '\\\\')`,
      );
    }
  }
  return segments;
}

/**
 * The file or folder an artifact path names under `root`.
 *
 * @example
 * resolveArtifactPath('/store/artifacts', '1/<run id>/artifacts/model.json').local; // '/store/artifacts/1/<run id>/model.json'
 */
export function resolveArtifactPath(root: string, path: string): ArtifactLocation {
  const segments = artifactSegments(path);
  const clean = segments.join('/');
  if (segments.length >= 2 && RUN_ID.test(segments[1]!)) {
    const runFolder = join(root, segments[0]!, segments[1]!);
    if (segments.length === 2) return { kind: 'run-folder', local: runFolder, path: clean };
    if (segments[2] !== 'artifacts') {
      throw new MlflowApiError(
        'INVALID_PARAMETER_VALUE',
        `Invalid artifact path '${path}': a run's files are under ${segments[0]}/${segments[1]}/artifacts/`,
      );
    }
    return { kind: 'file', local: join(runFolder, ...segments.slice(3)), path: clean };
  }
  // A logged model's record (meta.json) sits beside its files: only artifacts/ is served.
  if (segments.length >= 4 && segments[1] === 'models' && segments[3] !== 'artifacts') {
    throw new MlflowApiError(
      'INVALID_PARAMETER_VALUE',
      `Invalid artifact path '${path}': a logged model's files are under ${segments.slice(0, 3).join('/')}/artifacts/`,
    );
  }
  return { kind: 'file', local: join(root, ...segments), path: clean };
}

/**
 * The path inside `mlflow-artifacts:/` of an MLflow artifact URI (`mlflow-artifacts:/x`,
 * `mlflow-artifacts://host:port/x`), or undefined for another scheme.
 *
 * @example
 * mlflowArtifactsPath('mlflow-artifacts:/0/abc/artifacts/model'); // '0/abc/artifacts/model'
 */
export function mlflowArtifactsPath(uri: string): string | undefined {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/?(.*)$/.exec(uri);
  return match ? match[1]! : undefined;
}

/**
 * A run's artifact URI, as MLflow clients expect it.
 *
 * @example
 * runArtifactUri(1, 'abc…'); // 'mlflow-artifacts:/1/abc…/artifacts'
 */
export function runArtifactUri(experimentId: number | string, runId: string): string {
  return `mlflow-artifacts:/${experimentId}/${runId}/artifacts`;
}
