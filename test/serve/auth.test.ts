import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import type { EndpointCredentials, EndpointSpec } from '../../src/registry/endpoint-types.ts';
import { checkCredentials, DEFAULT_TOKEN_TTL_MS, issueToken } from '../../src/serve/auth.ts';
import type { ServedEndpoint } from '../../src/serve/types.ts';

const credentials: EndpointCredentials = {
  primaryKey: 'p'.repeat(43),
  secondaryKey: 's'.repeat(43),
  tokenSecret: 't'.repeat(43),
};

function served(name: string, authMode: EndpointSpec['authMode'], withCredentials = true): ServedEndpoint {
  return {
    spec: { name, description: '', tags: {}, authMode, traffic: {}, mirrorTraffic: {} },
    ...(withCredentials ? { credentials } : {}),
    deployments: [],
  };
}

const NOW = Date.UTC(2026, 0, 1);

describe('key auth', () => {
  const endpoint = served('iris', 'key');

  it('accepts either key as Bearer', () => {
    assert.equal(checkCredentials(endpoint, `Bearer ${credentials.primaryKey}`, NOW), true);
    assert.equal(checkCredentials(endpoint, `Bearer ${credentials.secondaryKey}`, NOW), true);
    assert.equal(checkCredentials(endpoint, `bearer ${credentials.secondaryKey}`, NOW), true);
  });

  it('refuses no header, a wrong key, another scheme, the key without a scheme, the token secret', () => {
    assert.equal(checkCredentials(endpoint, undefined, NOW), false);
    assert.equal(checkCredentials(endpoint, '', NOW), false);
    assert.equal(checkCredentials(endpoint, 'Bearer ', NOW), false);
    assert.equal(checkCredentials(endpoint, `Bearer ${'p'.repeat(42)}`, NOW), false);
    assert.equal(checkCredentials(endpoint, `Bearer ${credentials.primaryKey}x`, NOW), false);
    assert.equal(checkCredentials(endpoint, `Basic ${credentials.primaryKey}`, NOW), false);
    assert.equal(checkCredentials(endpoint, credentials.primaryKey, NOW), false);
    assert.equal(checkCredentials(endpoint, `Bearer ${credentials.tokenSecret}`, NOW), false);
    assert.equal(
      checkCredentials(endpoint, `Bearer ${credentials.primaryKey} ${credentials.secondaryKey}`, NOW),
      false,
    );
  });

  it('refuses a valid token: key mode takes keys only', () => {
    const { accessToken } = issueToken('iris', credentials, NOW);
    assert.equal(checkCredentials(endpoint, `Bearer ${accessToken}`, NOW), false);
  });

  it('an endpoint without credentials is open', () => {
    assert.equal(checkCredentials(served('open', 'key', false), undefined, NOW), true);
    assert.equal(checkCredentials(served('open', 'aml_token', false), 'Bearer junk', NOW), true);
  });
});

describe('token auth', () => {
  const endpoint = served('iris', 'aml_token');

  it('issues a one-hour Bearer token by default, with its expiry in epoch seconds', () => {
    const token = issueToken('iris', credentials, NOW);
    assert.equal(token.tokenType, 'Bearer');
    assert.equal(token.expiryTimeUtc, (NOW + DEFAULT_TOKEN_TTL_MS) / 1000);
    assert.match(token.accessToken, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });

  it('accepts a token until it expires (injected clock)', () => {
    const { accessToken } = issueToken('iris', credentials, NOW, 60_000);
    assert.equal(checkCredentials(endpoint, `Bearer ${accessToken}`, NOW), true);
    assert.equal(checkCredentials(endpoint, `Bearer ${accessToken}`, NOW + 59_999), true);
    assert.equal(checkCredentials(endpoint, `Bearer ${accessToken}`, NOW + 60_000), false);
    assert.equal(checkCredentials(endpoint, `Bearer ${accessToken}`, NOW + 3_600_000), false);
  });

  it("refuses another endpoint's token, a tampered payload or signature, another secret, and keys", () => {
    const other = issueToken('wine', credentials, NOW).accessToken;
    assert.equal(checkCredentials(endpoint, `Bearer ${other}`, NOW), false);
    const { accessToken } = issueToken('iris', credentials, NOW);
    const [payload, signature] = accessToken.split('.') as [string, string];
    const longer = Buffer.from(JSON.stringify({ e: 'iris', x: NOW + 10 * DEFAULT_TOKEN_TTL_MS })).toString(
      'base64url',
    );
    assert.equal(checkCredentials(endpoint, `Bearer ${longer}.${signature}`, NOW), false);
    const flipped = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A');
    assert.equal(checkCredentials(endpoint, `Bearer ${payload}.${flipped}`, NOW), false);
    assert.equal(checkCredentials(endpoint, `Bearer ${payload}`, NOW), false);
    assert.equal(checkCredentials(endpoint, `Bearer ${payload}.${signature}.x`, NOW), false);
    const foreign = issueToken('iris', { ...credentials, tokenSecret: 'u'.repeat(43) }, NOW).accessToken;
    assert.equal(checkCredentials(endpoint, `Bearer ${foreign}`, NOW), false);
    assert.equal(checkCredentials(endpoint, `Bearer ${credentials.primaryKey}`, NOW), false);
    assert.equal(checkCredentials(endpoint, undefined, NOW), false);
  });

  it('refuses a correctly signed payload that is not a token', () => {
    const payload = Buffer.from('not json').toString('base64url');
    const signature = createHmac('sha256', credentials.tokenSecret).update(payload).digest('base64url');
    assert.equal(checkCredentials(endpoint, `Bearer ${payload}.${signature}`, NOW), false);
  });
});
