import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContextInfo } from '../../src/core/cluster/kubeconfig';
import type { ApplyPlan, PlannedResource, ResourceOutcome, RolloutResult } from '../../src/core/cluster/applyTypes';
import type { GraphModel, GraphNode } from '../../src/core/graph/types';
import {
  applySummary,
  confirmationMessage,
  conflictMessage,
  deleteSummary,
  imagePickRows,
  liveDocumentPath,
  liveTargetsOf,
  needsConfirmation,
  statusBarText,
  tearDownDetail,
} from '../../src/extension/cluster/clusterText';
import { isHostToWebviewMessage, isWebviewToHostMessage } from '../../src/shared/webviewProtocol';

const RANGE = { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } };
const kindCtx: ContextInfo = {
  name: 'kind-dev',
  cluster: 'kind-dev',
  server: 'https://127.0.0.1:40123',
  user: 'kind-dev',
  local: true,
  localKind: 'kind',
  kindCluster: 'dev',
  file: '/home/u/.kube/config',
};
const remoteCtx: ContextInfo = {
  name: 'prod',
  cluster: 'prod',
  server: 'https://k8s.example.com:6443',
  user: 'admin',
  local: false,
  file: '/home/u/.kube/config',
};

function ref(kind: string, name: string) {
  return { apiVersion: 'apps/v1', kind, name, namespace: 'default' };
}

function outcome(name: string, status: ResourceOutcome['status']): ResourceOutcome {
  return { id: name, ref: ref('Deployment', name), file: 'file:///a.yaml', range: RANGE, status, findings: [] };
}

function planned(name: string, action: PlannedResource['action'], conflictManagers?: string[]): PlannedResource {
  return { id: name, ref: ref('Deployment', name), file: 'file:///a.yaml', range: RANGE, action, findings: [], tier: 4, conflictManagers };
}

describe('cluster features: status bar, gates and summaries', () => {
  test('the status bar names the context and says whether it answers', () => {
    const ok = statusBarText({ context: kindCtx, source: 'current-context', probe: 'reachable', version: 'v1.33.1' });
    assert.equal(ok.text, '$(cloud) kind-dev ✓');
    assert.match(ok.tooltip, /https:\/\/127\.0\.0\.1:40123 — local \(kind\)/);
    assert.match(ok.tooltip, /reachable, Kubernetes v1\.33\.1/);
    const down = statusBarText({ context: remoteCtx, source: 'workspace', probe: 'unreachable', error: 'connection refused' });
    assert.equal(down.text, '$(cloud) prod ✗');
    assert.match(down.tooltip, /remote\nnot reachable: connection refused/);
    assert.match(down.tooltip, /chosen for this workspace/);
    assert.equal(statusBarText({ source: 'none', probe: 'unknown' }).text, '$(cloud) no cluster');
  });

  test('only contexts that are not local ask first, naming context and server', () => {
    assert.equal(needsConfirmation(kindCtx), false);
    assert.equal(needsConfirmation({ ...kindCtx, local: true, localKind: 'loopback' }), false);
    assert.equal(needsConfirmation(remoteCtx), true);
    assert.equal(confirmationMessage(remoteCtx, 'Apply', 6), 'Apply 6 resources on context "prod" (https://k8s.example.com:6443)? This cluster is not local.');
  });

  test('an apply is summed up as applied / unchanged / failed with rollouts', () => {
    const rollout = (status: RolloutResult['status']): RolloutResult => ({
      id: 'x',
      ref: ref('Deployment', 'x'),
      file: 'f',
      range: RANGE,
      status,
      message: '',
      conditions: [],
      events: [],
      pods: [],
    });
    const outcomes = [
      outcome('a', 'applied'),
      outcome('b', 'applied'),
      outcome('c', 'applied'),
      outcome('d', 'applied'),
      outcome('e', 'unchanged'),
      outcome('f', 'unchanged'),
      outcome('g', 'failed'),
    ];
    assert.equal(applySummary({ outcomes, rollouts: [], cancelled: false }), 'applied 4, unchanged 2, failed 1');
    assert.equal(
      applySummary({ outcomes: outcomes.slice(0, 2), rollouts: [rollout('available'), rollout('timeout')], cancelled: false }),
      'applied 2, unchanged 0, 1 of 2 rollouts not available',
    );
    assert.equal(
      applySummary({ outcomes: [outcome('a', 'skipped-cancelled')], rollouts: [], cancelled: true }),
      'applied 0, unchanged 0, not applied 1 (cancelled) — cancelled',
    );
  });

  test('a field-manager conflict names the other manager and the resources', () => {
    const plan: ApplyPlan = {
      context: 'kind-dev',
      server: 's',
      resources: [
        planned('gateway', 'error', ['kubectl-client-side-apply']),
        planned('model', 'error', ['helm', 'kubectl-client-side-apply']),
        planned('x', 'create'),
      ],
      findings: [],
      summary: { create: 1, update: 0, unchanged: 0, error: 2 },
    };
    assert.equal(
      conflictMessage(plan),
      'deployment/gateway in default, deployment/model in default: fields are owned by another field manager ("kubectl-client-side-apply", "helm"). Force takes them over for kube-topology.',
    );
    assert.equal(conflictMessage({ ...plan, resources: [planned('x', 'update')] }), undefined);
  });

  test('tear down lists what goes and sums up what happened', () => {
    const refs = Array.from({ length: 17 }, (_, i) => ref('Service', `s${i}`));
    const detail = tearDownDetail(refs);
    assert.equal(detail.split('\n').length, 16);
    assert.match(detail, /^• service\/s0 in default\n/);
    assert.match(detail, /\nand 2 more$/);
    const d = (status: string) => ({ id: status, ref: ref('Service', status), file: 'f', range: RANGE, status, findings: [] }) as never;
    assert.equal(
      deleteSummary({ outcomes: [d('deleted'), d('deleted'), d('not-found'), d('failed')], cancelled: false }),
      'deleted 2, already gone 1, failed 1',
    );
  });

  test('the image loader pre-selects images Docker has and explains the missing ones', () => {
    const rows = imagePickRows(
      [
        { image: 'zoomcamp/gateway:002', usedBy: [{ kind: 'Deployment', name: 'gateway', container: 'gateway', init: false }] },
        { image: 'zoomcamp/model:v1', usedBy: [{ kind: 'Deployment', name: 'model', container: 'tf', init: false }] },
      ],
      [
        { image: 'zoomcamp/gateway:002', present: true, id: 'sha256:1' },
        { image: 'zoomcamp/model:v1', present: false },
      ],
    );
    assert.deepEqual(
      rows.map((r) => [r.image, r.picked]),
      [
        ['zoomcamp/gateway:002', true],
        ['zoomcamp/model:v1', false],
      ],
    );
    assert.match(rows[1].description, /missing in local Docker/);
    assert.equal(rows[0].detail, 'used by Deployment gateway (gateway)');
  });

  test('the live overlay watches real nodes of the graph, not ghosts, with a key that ignores order', () => {
    const node = (kind: string, name: string, ghost?: boolean): GraphNode => ({
      id: ghost ? `ghost:${kind}/default/${name}` : `${kind}/default/${name}`,
      kind,
      name,
      namespace: 'default',
      category: 'workload',
      file: '',
      line: 1,
      range: RANGE,
      facts: {},
      status: 'ok',
      problems: [],
      ghost,
    });
    const g: GraphModel = { nodes: [node('Deployment', 'a'), node('Service', 'b'), node('Service', 'missing', true), node('Widget', 'c')], edges: [] };
    const watchable = (k: string) => k !== 'Widget';
    const first = liveTargetsOf(g, watchable);
    assert.deepEqual(first.targets, [
      { kind: 'Deployment', namespace: 'default', name: 'a' },
      { kind: 'Service', namespace: 'default', name: 'b' },
    ]);
    const reordered = liveTargetsOf({ nodes: [...g.nodes].reverse(), edges: [] }, watchable);
    assert.equal(reordered.key, first.key);
    assert.notEqual(liveTargetsOf({ nodes: g.nodes.slice(1), edges: [] }, watchable).key, first.key);
  });

  test('diff documents get distinct paths per context, resource and side, safely encoded', () => {
    const p = liveDocumentPath('kind-dev', { apiVersion: 'v1', kind: 'Secret', name: 'a/b', namespace: 'ns' }, 'live');
    assert.equal(p, '/kind-dev/ns/Secret/a%2Fb.live.yaml');
    assert.notEqual(p, liveDocumentPath('kind-dev', { apiVersion: 'v1', kind: 'Secret', name: 'a/b', namespace: 'ns' }, 'intended'));
  });
});

describe('webview protocol: live overlay and node actions', () => {
  const live = {
    type: 'live',
    snapshot: {
      context: 'kind-dev',
      updatedAt: 1,
      nodes: {
        'Deployment/default/gateway': {
          exists: true,
          readyReplicas: 1,
          desiredReplicas: 2,
          pods: [{ name: 'p', phase: 'Pending', ready: false, reason: 'ImagePullBackOff' }],
        },
      },
    },
  };

  test('a well-formed live snapshot and null pass', () => {
    assert.equal(isHostToWebviewMessage(live), true);
    assert.equal(isHostToWebviewMessage({ type: 'live', snapshot: null }), true);
    assert.equal(isHostToWebviewMessage({ type: 'cluster', info: { context: 'kind-dev', local: true, kind: true, reachable: true, canApply: false } }), true);
  });

  test('wrong types, unknown fields and non-plain maps are rejected', () => {
    const clone = () => JSON.parse(JSON.stringify(live));
    const wrongType = clone();
    wrongType.snapshot.nodes['Deployment/default/gateway'].readyReplicas = -1;
    assert.equal(isHostToWebviewMessage(wrongType), false);
    const extra = clone();
    extra.snapshot.nodes['Deployment/default/gateway'].pods[0].html = '<b>';
    assert.equal(isHostToWebviewMessage(extra), false);
    const arrayNodes = clone();
    arrayNodes.snapshot.nodes = [];
    assert.equal(isHostToWebviewMessage(arrayNodes), false);
    const longKey = clone();
    longKey.snapshot.nodes['x'.repeat(1001)] = { exists: true };
    assert.equal(isHostToWebviewMessage(longKey), false);
  });

  test('node actions carry a node id and nothing else', () => {
    assert.equal(isWebviewToHostMessage({ type: 'portForward', nodeId: 'Service/default/gateway' }), true);
    assert.equal(isWebviewToHostMessage({ type: 'loadImages', nodeId: 'Deployment/default/gateway' }), true);
    assert.equal(isWebviewToHostMessage({ type: 'apply' }), true);
    assert.equal(isWebviewToHostMessage({ type: 'apply', context: 'prod' }), false, 'the webview cannot choose the context');
    assert.equal(isWebviewToHostMessage({ type: 'portForward', nodeId: 7 }), false);
    assert.equal(isWebviewToHostMessage({ type: 'portForward', nodeId: 'x', force: true }), false);
  });
});
