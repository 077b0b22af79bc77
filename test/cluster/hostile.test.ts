/**
 * Hostile input against the real local control plane (controlPlane.ts).
 *
 * Names that are not names: a manifest whose ConfigMaps are called "." and ".." once made `delete`
 * send `DELETE .../namespaces/prod/configmaps/` (every ConfigMap of the namespace) and
 * `DELETE .../namespaces/prod/` (the namespace), because URL parsing drops dot segments. Here the
 * same files meet the real API server through the CLI and through the engine Tear Down uses, next
 * to sentinel ConfigMaps that must survive. (Reproduced on the tree before the fix: all three
 * sentinels were deleted and the namespace went Terminating.)
 *
 * A real admission webhook that echoes Secrets: registered with the real API server, it denies
 * every Secret and quotes back what it was sent, every way it could be written. No finding, text
 * or JSON output may show a value.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as https from 'node:https';
import { startControlPlane, type ControlPlane } from './controlPlane';
import { runCliProcess as runCli, selfSignedCert, strings } from './processHelpers';
import { WorkspaceIndex } from '../../src/core/index/workspaceIndex';
import type { Resource } from '../../src/core/parse/manifestParser';
import { openCluster, deleteResources, prepareApply, type ClusterClient } from '../../src/core/cluster';
import { literalPath } from '../../src/core/cluster/requestPath';

const NS = 'kt-prod';
const SENTINELS = ['sentinel-a', 'sentinel-b', 'sentinel-c'];

const DOTS = `apiVersion: v1
kind: ConfigMap
metadata: {name: ".", namespace: ${NS}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: "..", namespace: ${NS}}
`;

/** Every other way a name, namespace or apiVersion could leave its path segment. */
const OTHERS = `apiVersion: v1
kind: ConfigMap
metadata: {name: "sentinel-a/..", namespace: ${NS}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: "%2e%2e", namespace: ${NS}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: "x", namespace: ".."}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: "..", namespace: "${NS}/configmaps"}
---
apiVersion: v1/../../api/v1/namespaces/${NS}
kind: ConfigMap
metadata: {name: sentinel-a, namespace: ${NS}}
---
apiVersion: v1
kind: Namespace
metadata: {name: "."}
`;

function resourcesOf(files: Record<string, string>): Resource[] {
  const index = new WorkspaceIndex();
  for (const [file, text] of Object.entries(files)) index.setFile(file, text, { explicit: true });
  return index.resources();
}

describe('hostile input against a real API server', { timeout: 300_000 }, () => {
  let cp: ControlPlane;
  let admin: ClusterClient;
  let dir: string;

  /** The namespace and every sentinel exist, and the namespace is not being deleted (all problems in one message). */
  async function assertSurvivors(): Promise<void> {
    const problems: string[] = [];
    const ns = await admin.request({ method: 'GET', path: literalPath(`/api/v1/namespaces/${NS}`) });
    if (ns.status !== 200) problems.push(`namespace ${NS} is gone (HTTP ${ns.status})`);
    else if ((ns.body as { metadata: { deletionTimestamp?: string } }).metadata.deletionTimestamp) problems.push(`namespace ${NS} is terminating`);
    for (const name of SENTINELS) {
      const r = await admin.request({ method: 'GET', path: literalPath(`/api/v1/namespaces/${NS}/configmaps/${name}`) });
      if (r.status !== 200) problems.push(`sentinel ConfigMap ${name} was deleted (HTTP ${r.status})`);
    }
    assert.deepEqual(problems, []);
  }

  before(async () => {
    cp = await startControlPlane({ metricsServer: false });
    admin = openCluster(cp.adminContext, { kubeconfig: cp.kubeconfigPath });
    const created = await admin.request({
      method: 'POST',
      path: literalPath('/api/v1/namespaces'),
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    for (const name of SENTINELS) {
      const r = await admin.request({
        method: 'POST',
        path: literalPath(`/api/v1/namespaces/${NS}/configmaps`),
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { keep: 'me' } },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-hostile-names-'));
    fs.writeFileSync(path.join(dir, 'dots.yaml'), DOTS);
    fs.writeFileSync(path.join(dir, 'others.yaml'), OTHERS);
  });

  after(async () => {
    admin?.close();
    await cp?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('`kube-topology delete` of the dots file deletes nothing: the sentinels and the namespace survive', async () => {
    const r = await runCli(['delete', '--context', cp.adminContext, '--no-wait', 'dots.yaml'], { ...process.env, KUBECONFIG: cp.kubeconfigPath }, dir);
    await assertSurvivors();
    assert.equal(r.code, 1, r.stdout + r.stderr);
    // Each refused resource is reported at its own line, with what was wrong.
    assert.match(
      r.stdout,
      /^ {2}dots\.yaml:3:18: error apply-invalid-object: metadata\.name of ConfigMap "\." is not valid: it may not be "\." .* nothing was sent for it$/m,
    );
    assert.match(
      r.stdout,
      /^ {2}dots\.yaml:7:18: error apply-invalid-object: metadata\.name of ConfigMap "\.\." is not valid: it may not be "\.\." .* nothing was sent for it$/m,
    );
    assert.match(r.stdout, /kt-admin: 0 deleted, 0 already gone, 2 failed/);
  });

  test('Tear Down (the delete engine) and Apply refuse every other escape, and nothing changes on the server', async () => {
    const resources = resourcesOf({ [path.join(dir, 'dots.yaml')]: DOTS, [path.join(dir, 'others.yaml')]: OTHERS });
    const deleted = await deleteResources(admin, resources, { wait: false });
    await assertSurvivors();
    for (const o of deleted.outcomes) {
      assert.equal(o.status, 'failed', `${o.ref.kind} ${JSON.stringify(o.ref.name)} in ${JSON.stringify(o.ref.namespace)}: ${o.status}`);
      assert.equal(o.findings[0]?.code, 'apply-invalid-object', JSON.stringify(o.findings));
    }
    const session = await prepareApply(admin, resources, {});
    for (const p of session.plan.resources) assert.equal(p.action, 'error', `${p.ref.kind} ${JSON.stringify(p.ref.name)}: ${p.action}`);
    const applied = await session.apply({ wait: false });
    for (const o of applied.outcomes) assert.equal(o.status, 'failed');
    await assertSurvivors();
    const list = (await admin.request({ method: 'GET', path: literalPath(`/api/v1/namespaces/${NS}/configmaps`) })).body as {
      items: Array<{ metadata: { name: string } }>;
    };
    assert.deepEqual(
      list.items.map((i) => i.metadata.name).filter((n) => n !== 'kube-root-ca.crt'),
      SENTINELS,
    );
  });

  describe('a real admission webhook that echoes Secret values back', () => {
    const WNS = 'kt-webhook';
    // Non-ASCII, a quote, a newline and <>&: every escape an encoder might apply.
    const VALUE = 'wébhook"se\ncret<&>-kt-5d1e';
    const DATA = 'data-secret-kt-22b7';
    let hook: https.Server;
    let calls = 0;
    const forms = (v: string) => {
      const json = JSON.stringify(v).slice(1, -1);
      return [
        v,
        json,
        json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
        json.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`),
        Buffer.from(v).toString('base64'),
      ];
    };
    const secretYaml = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: ${WNS}\nstringData:\n  password: ${JSON.stringify(VALUE)}\ndata:\n  other: ${Buffer.from(DATA).toString('base64')}\n`;

    before(async () => {
      const pki = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-webhook-pki-'));
      selfSignedCert(pki, '/CN=127.0.0.1', 'IP:127.0.0.1');
      const cert = fs.readFileSync(path.join(pki, 'cert.pem'));
      hook = https.createServer({ cert, key: fs.readFileSync(path.join(pki, 'key.pem')) }, (req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          calls++;
          const review = JSON.parse(body) as { request: { uid: string; object: { data?: Record<string, string>; stringData?: Record<string, string> } } };
          const obj = review.request.object;
          // Everything it was sent: the raw object (base64 data, JSON-escaped), each value decoded,
          // and the decoded values JSON-escaped, \u-escaped and Go-escaped.
          const decoded = Object.values(obj.data ?? {}).map((b) => Buffer.from(b, 'base64').toString('utf8'));
          const echo = [JSON.stringify(obj), ...decoded.flatMap(forms), ...Object.values(obj.stringData ?? {}).flatMap(forms)].join(' | ');
          res.setHeader('content-type', 'application/json');
          res.end(
            JSON.stringify({
              apiVersion: 'admission.k8s.io/v1',
              kind: 'AdmissionReview',
              response: { uid: review.request.uid, allowed: false, status: { code: 403, message: `secrets are read here: ${echo}` } },
            }),
          );
        });
      });
      await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
      const port = (hook.address() as import('node:net').AddressInfo).port;
      for (const [p, body] of [
        ['/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: WNS } }],
        [
          '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
          {
            apiVersion: 'admissionregistration.k8s.io/v1',
            kind: 'ValidatingWebhookConfiguration',
            metadata: { name: 'kt-echo-secrets' },
            webhooks: [
              {
                name: 'echo.kt.example.com',
                clientConfig: { url: `https://127.0.0.1:${port}/validate`, caBundle: cert.toString('base64') },
                rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['secrets'] }],
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': WNS } },
                failurePolicy: 'Fail',
                sideEffects: 'None',
                admissionReviewVersions: ['v1'],
              },
            ],
          },
        ],
      ] as const) {
        const r = await admin.request({ method: 'POST', path: literalPath(p), body });
        assert.equal(r.status, 201, JSON.stringify(r.body));
      }
      fs.writeFileSync(path.join(dir, 'secret.yaml'), secretYaml);
    });

    after(async () => {
      await admin?.request({ method: 'DELETE', path: literalPath('/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/kt-echo-secrets') });
      await new Promise<void>((r) => (hook ? hook.close(() => r()) : r()));
    });

    const assertClean = (text: string, where: string) => {
      for (const f of [...forms(VALUE), ...forms(DATA)]) assert.ok(!text.includes(f), `${where} shows ${JSON.stringify(f)}`);
    };

    test('the dry-run finding says the webhook denied it, and shows no value in any form', async () => {
      // The API server picks the new webhook up within moments: ask until it answers.
      let plan: Awaited<ReturnType<typeof prepareApply>>['plan'] | undefined;
      for (let i = 0; i < 100 && !plan?.findings.some((f) => /secrets are read here/.test(f.message)); i++) {
        plan = (await prepareApply(admin, resourcesOf({ [path.join(dir, 'secret.yaml')]: secretYaml }), {})).plan;
        if (!plan.findings.some((f) => /secrets are read here/.test(f.message))) await sleep(200);
      }
      assert.ok(calls > 0, 'the webhook was never called');
      const finding = plan?.findings[0];
      assert.match(finding?.message ?? '', /admission webhook "echo\.kt\.example\.com" denied the request: secrets are read here: .*\*\*\*/);
      assertClean(strings(plan), 'the plan');
    });

    test('the CLI, text and JSON: no value in any form', async () => {
      const env = { ...process.env, KUBECONFIG: cp.kubeconfigPath };
      const text = await runCli(['apply', '--context', cp.adminContext, '--no-wait', 'secret.yaml'], env, dir);
      assert.equal(text.code, 1, text.stdout + text.stderr);
      assert.match(text.stdout, /secret\.yaml:\d+:\d+: error apply-forbidden: forbidden: admission webhook "echo\.kt\.example\.com" denied the request/);
      assertClean(text.stdout + text.stderr, 'text output');
      const json = await runCli(['apply', '--context', cp.adminContext, '--no-wait', '-o', 'json', 'secret.yaml'], env, dir);
      assertClean(strings(JSON.parse(json.stdout)) + json.stdout + json.stderr, 'JSON output');
      assert.equal((JSON.parse(json.stdout) as { findings: unknown[] }).findings.length, 1);
      // And the Secret was never created.
      assert.equal((await admin.request({ method: 'GET', path: literalPath(`/api/v1/namespaces/${WNS}/secrets/creds`) })).status, 404);
    });
  });
});
