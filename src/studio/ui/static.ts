/**
 * Serves the studio's client files (src/studio/web, or dist/studio/web after the build)
 * and the bundled ECharts, with their content types, ETags, and no way out of the folder.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { studioError } from './errors.ts';

/** The client folder next to this module: src/studio/web under tsx, dist/studio/web once built. */
export const WEB_ROOT = fileURLToPath(new URL('../web/', import.meta.url));

/** Content types by extension; any other file is not served. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
};

/** Files served from elsewhere than the web folder, by their path under /static/. */
const VENDOR: Readonly<Record<string, () => string>> = {
  'vendor/echarts.min.js': () => createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js'),
};

/** The headers every studio file is answered with. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  // ECharts sets inline styles; nothing else (no inline script, no other origin).
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'",
};

/**
 * The page shell with its two links (`/static/studio.css`, `/static/app.js`) moved under
 * `/static/v/BUILD/`: every module the app imports (by relative URL) is then cached by the
 * browser for good, and a restarted server (a new BUILD) is fetched afresh.
 *
 * @example
 * versionedShell('<script src="/static/app.js">', 'k3x9'); // '<script src="/static/v/k3x9/app.js">'
 */
export function versionedShell(html: string, build: string): string {
  return html.replaceAll('"/static/', `"/static/v/${build}/`);
}

/**
 * Sends `relative` (a path under the web folder) with its content type, 404 for anything
 * that is missing, not a plain file, of an unknown type, or outside the folder (`..`,
 * absolute paths, symbolic links leading out).
 *
 * @example
 * app.get('/static/*', (request, reply) => sendStatic(WEB_ROOT, (request.params as { '*': string })['*'], request, reply));
 */
export async function sendStatic(
  root: string,
  relative: string,
  request: FastifyRequest,
  reply: FastifyReply,
  options: { immutable?: boolean; rewrite?: (text: string) => string } = {},
): Promise<FastifyReply> {
  const notFound = () => studioError(reply, 404, 'NOT_FOUND', 'no such file');
  const type = CONTENT_TYPES[extname(relative).toLowerCase()];
  if (type === undefined || relative.includes('\0')) return notFound();
  let file: string;
  try {
    const vendor = VENDOR[relative];
    if (vendor !== undefined) file = vendor();
    else {
      const base = await realpath(root);
      const candidate = resolve(base, relative);
      if (!candidate.startsWith(base + sep)) return notFound();
      file = await realpath(candidate);
      if (!file.startsWith(base + sep)) return notFound();
    }
    const info = await stat(file);
    if (!info.isFile()) return notFound();
    const etag = `"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"`;
    if (options.rewrite !== undefined) {
      const text = options.rewrite(await readFile(file, 'utf8'));
      return reply
        .headers({ ...SECURITY_HEADERS, 'cache-control': 'no-store' })
        .type(type)
        .send(text);
    }
    reply.headers({
      ...SECURITY_HEADERS,
      etag,
      'cache-control': options.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type(type).send(await readFile(file));
  } catch {
    return notFound();
  }
}
