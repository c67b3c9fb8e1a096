// request_settings.max_body_bytes on a real server for bodies sent chunked (no
// Content-Length): the deployment that serves checks the bytes that came in (413 naming
// it), a pinned deployment's limit holds while the body streams in (the server stops
// reading and answers while the client is still sending), and bodies within the limit
// of the deployment that serves them answer 200.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { deploymentSpec, servedDeployment, singleModelConfig } from '../../src/serve/single.ts';
import type { ServeConfig } from '../../src/serve/types.ts';
import { saveModel, startServer, tempDir } from './helpers.ts';

const dir = tempDir('body-limit');
const model = saveModel(dir, 'classification');

/** Endpoint `e`: `small` (2,000 bytes, all the traffic) and `big` (50,000 bytes, pinned only). */
function config(): ServeConfig {
  const base = singleModelConfig({
    modelFile: model,
    name: 'e',
    deployment: 'small',
    instanceCount: 1,
    requestSettings: { maxBodyBytes: 2_000 },
  });
  const endpoint = base.endpoints[0]!;
  const big = servedDeployment(
    deploymentSpec({
      name: 'big',
      endpointName: 'e',
      model,
      instanceCount: 1,
      requestSettings: { maxBodyBytes: 50_000 },
    }),
    model,
  );
  return {
    endpoints: [
      {
        ...endpoint,
        spec: { ...endpoint.spec, traffic: { small: 100, big: 0 } },
        deployments: [...endpoint.deployments, big],
      },
    ],
  };
}

/** A JSON body of `rows` rows, about 20 bytes each. */
const body = (rows: number) =>
  JSON.stringify({ data: Array.from({ length: rows }, () => [0.9, 0.8, 'Paris']) });

interface Sent {
  status: number;
  answer: Record<string, unknown>;
  /** Bytes of body written before the answer came (all of them for a body given whole). */
  written: number;
}

/**
 * POSTs a body chunked (no Content-Length): `text` in 512-byte chunks, or with `endless`
 * whitespace in 16 KiB chunks after `text` until the answer comes (at most `cap` bytes).
 */
function sendChunked(
  url: string,
  text: string,
  headers: Record<string, string> = {},
  endless?: { cap: number },
): Promise<Sent> {
  return new Promise((resolve, reject) => {
    let written = 0;
    let answered = false;
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        answered = true;
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (data += chunk));
        res.on('end', () => {
          req.destroy();
          resolve({
            status: res.statusCode ?? 0,
            answer: JSON.parse(data) as Record<string, unknown>,
            written,
          });
        });
      },
    );
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const write = (chunk: string) => {
      written += Buffer.byteLength(chunk);
      return req.write(chunk);
    };
    for (let i = 0; i < text.length; i += 512) write(text.slice(i, i + 512));
    if (endless === undefined) {
      req.end();
      return;
    }
    const filler = ' '.repeat(16 * 1024);
    const pump = () => {
      while (!answered && written < endless.cap) {
        if (!write(filler)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe('max_body_bytes for chunked bodies', () => {
  it('is checked against the deployment that serves: 413 over its limit, 200 within it', async () => {
    const { base } = await startServer({ config: config() });
    const url = `${base}/endpoints/e/score`;
    const within = await sendChunked(url, body(20));
    assert.equal(within.status, 200);
    assert.equal((within.answer as unknown as unknown[]).length, 20, 'a prediction per row');
    const over = await sendChunked(url, body(300)); // about 6 KB, for `small` by the traffic split
    assert.equal(over.status, 413);
    assert.equal(
      over.answer.error,
      `the body has ${body(300).length} bytes; deployment 'small' takes at most 2000 (request_settings.max_body_bytes)`,
    );
    const pinned = await sendChunked(url, body(300), { 'azureml-model-deployment': 'big' });
    assert.equal(pinned.status, 200, 'the same body is within the pinned deployment’s limit');
  });

  it('stops reading a body past the limit and answers 413 while the client still sends', async () => {
    const { base } = await startServer({ config: config() });
    const cap = 64 * 1024 * 1024;
    const pinned = await sendChunked(
      `${base}/endpoints/e/score`,
      '{"data": [[0.9, 0.8, "Paris"]]',
      {
        'azureml-model-deployment': 'small',
      },
      { cap },
    );
    assert.equal(pinned.status, 413);
    assert.equal(
      pinned.answer.error,
      "the body has more than 2000 bytes, the most deployment 'small' takes (request_settings.max_body_bytes)",
    );
    assert.ok(pinned.written < cap, `answered before the client sent ${cap} bytes (sent ${pinned.written})`);
    // unpinned: read up to the largest limit among the endpoint's deployments, no further
    const open = await sendChunked(`${base}/score`, '{"data": [[0.9, 0.8, "Paris"]]', {}, { cap });
    assert.equal(open.status, 413);
    assert.equal(
      open.answer.error,
      "the body has more than 50000 bytes, the most endpoint 'e' takes (request_settings.max_body_bytes)",
    );
    assert.ok(open.written < cap);
  });
});
