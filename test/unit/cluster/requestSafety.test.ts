/**
 * The pure safety pieces of the cluster layer: the one request-path builder (names per kind,
 * namespaces, apiVersions, resources; every dot-segment escape refused), the redaction of secret
 * forms, terminal escaping, and the typed readers of server objects fed the wrong types.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  apiVersionPath,
  checkApiVersion,
  checkName,
  checkNamespace,
  literalPath,
  nameRuleOf,
  RefusedPathError,
  resourcePath,
} from '../../../src/core/cluster/requestPath';
import { redactServerUrl, Redactor, REDACTED } from '../../../src/core/cluster/redaction';
import { escapeControlChars } from '../../../src/core/terminalText';
import { rolloutState, podProblem, labelSelectorString } from '../../../src/core/cluster/rolloutStatus';
import { livePod, hpaMetrics } from '../../../src/core/cluster/liveState';

const refused = (f: () => unknown, part: string, re: RegExp) =>
  assert.throws(f, (e: unknown) => e instanceof RefusedPathError && e.part === part && re.test(e.message), `${part} ${re}`);

test('names, namespaces and apiVersions that could leave their path segment are refused by name', () => {
  for (const name of ['.', '..', '', 'a/b', '../x', '%2e%2e', 'a%2Fb']) refused(() => checkName('ConfigMap', name), 'name', /metadata\.name of ConfigMap/);
  // Path-segment kinds (RBAC, custom resources) still refuse the escapes, and accept what the server does.
  for (const name of ['.', '..', 'a/b', '%']) refused(() => checkName('ClusterRole', name), 'name', /may not/);
  assert.equal(checkName('ClusterRole', 'system:controller:job-controller'), 'system:controller:job-controller');
  assert.equal(checkName('Widget', 'Mixed_Case and spaces'), 'Mixed_Case and spaces');
  for (const ns of ['..', '.', 'Prod', 'a.b', 'prod/configmaps', 'x'.repeat(64)]) refused(() => checkNamespace(ns), 'namespace', /namespace/);
  for (const av of ['v1/../..', '/v1', 'apps/', '../v1', 'apps/v1/x', 'APPS/v1', 'v1%2f..']) refused(() => checkApiVersion(av), 'apiVersion', /apiVersion/);
  for (const av of ['v1', 'apps/v1', 'kt.example.com/v1beta1', 'networking.k8s.io/v1']) assert.equal(checkApiVersion(av), av);
  assert.equal(nameRuleOf('Namespace'), 'dns-label');
  assert.equal(nameRuleOf('Service'), 'dns-label');
  assert.equal(nameRuleOf('Deployment'), 'dns-subdomain');
  assert.equal(nameRuleOf('Role'), 'path-segment');
});

test('paths are one segment per part, percent-encoded', () => {
  assert.equal(
    resourcePath({ apiVersion: 'apps/v1', resource: 'deployments', namespace: 'shop', name: 'gateway', kind: 'Deployment' }),
    '/apis/apps/v1/namespaces/shop/deployments/gateway',
  );
  assert.equal(
    resourcePath({ apiVersion: 'rbac.authorization.k8s.io/v1', resource: 'clusterroles', name: 'system:a b', kind: 'ClusterRole' }),
    '/apis/rbac.authorization.k8s.io/v1/clusterroles/system%3Aa%20b',
  );
  assert.equal(resourcePath({ apiVersion: 'v1', resource: 'pods', namespace: 'x' }), '/api/v1/namespaces/x/pods');
  assert.equal(apiVersionPath('v1'), '/api/v1');
  refused(() => resourcePath({ apiVersion: 'v1', resource: '../secrets', namespace: 'x' }), 'resource', /resource name from the server/);
});

test('whatever a name is, a built path has exactly the segments it was built from (property)', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (ns, name) => {
      let p: string;
      try {
        p = resourcePath({ apiVersion: 'v1', resource: 'configmaps', namespace: ns, name, kind: 'Widget' });
      } catch (e) {
        return e instanceof RefusedPathError;
      }
      // What the URL parser makes of it is what we built: no segment vanished or moved.
      const parsed = new URL(`https://h${p}`).pathname;
      const segments = parsed.split('/').slice(1).map(decodeURIComponent);
      return parsed === p && segments.length === 6 && segments[3] === ns && segments[5] === name;
    }),
    { numRuns: 2000 },
  );
});

test('a literal path is checked segment by segment', () => {
  assert.equal(literalPath('/version'), '/version');
  for (const bad of [
    '/api/v1/namespaces/prod/configmaps/..',
    '/api/v1/./x',
    '/api//v1',
    'api/v1',
    '/api/v1?x=1',
    '/api/%2e%2e/x',
    '/api/v1/a%2Fb',
    '/a\\b',
    '/api/v1/%zz',
  ])
    assert.throws(() => literalPath(bad), RefusedPathError, bad);
});

test('every form of a secret is scrubbed: raw, JSON-escaped, \\u escapes, Go escapes, base64, decoded base64', () => {
  const value = 'pä"ss\nword<&>-kt';
  const r = new Redactor().add(value, Buffer.from('inner-secret-kt').toString('base64'));
  const json = JSON.stringify(value).slice(1, -1);
  for (const form of [
    value,
    json,
    json.replace('ä', '\\u00e4'),
    json.replace('ä', '\\u00E4'),
    json.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026'),
    Buffer.from(value).toString('base64'),
    'inner-secret-kt',
    'word<&>-kt',
  ])
    assert.equal(r.scrub(`before ${form} after`), `before ${REDACTED} after`, form);
  // Short values do not eat ordinary words.
  assert.equal(new Redactor().add('ab', 'x').scrub('about x'), 'about x');
});

test('server URLs lose user:password@ and query values; terminals get escapes instead of control characters', () => {
  assert.equal(redactServerUrl('https://admin:pw@h:6443/p?token=abc&x=1'), 'https://***@h:6443/p?token=***&x=***');
  assert.equal(redactServerUrl('not a url user:pw@h?token=abc'), 'not a url user:pw@h?…');
  assert.equal(escapeControlChars('ok\n\ttab \u001b]0;title\u0007 \u001b[2J \r \u009b \u202e'), 'ok\n\ttab \\x1b]0;title\\x07 \\x1b[2J \\x0d \\x9b \\u202e');
});

test('readers of server objects take the wrong types as absent, never throw', () => {
  const hostile = [null, 7, 'x', [], { spec: 'x', status: [], metadata: 5 }, { status: { conditions: [null, 1, { type: 5 }], containerStatuses: 'x' } }];
  for (const o of hostile) {
    assert.doesNotThrow(() => rolloutState(o));
    assert.doesNotThrow(() => podProblem(o));
    assert.doesNotThrow(() => livePod(o));
    assert.doesNotThrow(() => labelSelectorString(o));
  }
  // replicas "3" and availableReplicas "9" are not numbers: 1 desired (the default), 0 available.
  assert.deepEqual(rolloutState({ kind: 'Deployment', spec: { replicas: '3' }, status: { availableReplicas: '9', updatedReplicas: 1 } }), {
    status: 'progressing',
    message: '0 of 1 updated replicas available',
    ready: 0,
    desired: 1,
  });
  assert.equal(podProblem({ status: { containerStatuses: [{ state: { terminated: { exitCode: '1', reason: 5 } } }] } }), 'Terminated (exit ?)');
  assert.deepEqual(livePod({ metadata: { name: 'p' }, status: { phase: 3, containerStatuses: [{ restartCount: -4 }, { restartCount: 2 }] } }), {
    name: 'p',
    phase: 'Unknown',
    ready: false,
    restarts: 2,
  });
  assert.deepEqual(
    hpaMetrics([{ type: 'Resource', resource: { name: 7, target: { type: 'Utilization', averageUtilization: {} } } }, 5, { type: 'Nope' }], ['x']),
    ['? <unknown> / ?%', '<unknown metric>', 'Nope'],
  );
});
