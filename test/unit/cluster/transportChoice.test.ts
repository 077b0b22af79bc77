/**
 * Which request path a context gets: node:https for tokens, client certificates, basic auth and
 * exec plugins; client-node only for what it alone serves (the oidc auth-provider, proxy-url).
 * Opening a client sends nothing, so no server is needed.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openCluster } from '../../../src/core/cluster/clusterClient';
import { hostileKubeconfig } from './hostileServer';

describe('request path per context', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-transport-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const kindOf = (opts: Parameters<typeof hostileKubeconfig>[1], transport?: 'client-node') => {
    const client = openCluster(undefined, {
      kubeconfig: hostileKubeconfig('https://127.0.0.1:1', { dir: fs.mkdtempSync(path.join(dir, 'k')), ...opts }),
      transport,
    });
    try {
      return client.transportKind;
    } finally {
      client.close();
    }
  };

  test('tokens, basic auth and exec plugins go over node:https', () => {
    assert.equal(kindOf({}), 'https');
    assert.equal(kindOf({ user: { username: 'a', password: 'b' } }), 'https');
    assert.equal(kindOf({ user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'kt-no-such-plugin' } } }), 'https');
  });

  test('oidc and proxy-url go through client-node, and client-node can be asked for', () => {
    assert.equal(kindOf({ user: { 'auth-provider': { name: 'oidc', config: { 'id-token': 'x', 'idp-issuer-url': 'https://127.0.0.1:1' } } } }), 'client-node');
    assert.equal(kindOf({ clusterExtra: { 'proxy-url': 'http://127.0.0.1:3128' } }), 'client-node');
    assert.equal(kindOf({}, 'client-node'), 'client-node');
  });

  test('a plain http:// server (kubectl proxy) is served too, as kubectl serves it', () => {
    const kc = hostileKubeconfig('http://127.0.0.1:1', { dir: fs.mkdtempSync(path.join(dir, 'h')), clusterExtra: { 'insecure-skip-tls-verify': false } });
    const client = openCluster(undefined, { kubeconfig: kc });
    assert.equal(client.transportKind, 'https');
    client.close();
  });
});
