/**
 * Secret values never leave the analysis: not in findings, not in the graph (hover facts, edge
 * reasons), not in any output of the built CLI (validate in every format, graph in every format,
 * stderr). Secrets with recognisable values — valid and invalid base64 in `data`, plain and
 * wrongly-typed values in `stringData` — are put where rules look at them, and every output is
 * searched for each value and its base64 form.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { WorkspaceIndex } from '../../src/core/index/workspaceIndex';
import { buildGraph } from '../../src/core/graph/buildGraph';
import { FUZZ_SEED, ROOT, runs } from './settings';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** Every value below is a secret; each must never appear in any output, plain or base64. */
const SECRETS = {
  dataValid: 'kt-secret-data-7d1c9e',
  dataInvalidBase64: 'kt-secret-notb64 !!',
  stringData: 'kt-secret-stringdata-42af',
  stringDataNumber: 918273645546372,
  stringDataMultiline: 'kt-secret-line-one\nkt-secret-line-two',
  envLiteral: 'kt-secret-env-literal-91',
};

function manifests(): string {
  return `apiVersion: v1
kind: Secret
metadata:
  name: db-credentials
type: Opaque
data:
  password: ${b64(SECRETS.dataValid)}
  broken: "${SECRETS.dataInvalidBase64}"
stringData:
  token: ${SECRETS.stringData}
  pin: ${SECRETS.stringDataNumber}
  cert: |
${SECRETS.stringDataMultiline
  .split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}
---
apiVersion: v1
kind: Secret
metadata:
  name: wrong-shape
data: ${b64(SECRETS.dataValid)}
stringData:
  - ${SECRETS.stringData}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 1
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers:
        - name: api
          image: api:1.0
          env:
            - name: DB_PASSWORD
              valueFrom: { secretKeyRef: { name: db-credentials, key: password } }
            - name: MISSING_KEY
              valueFrom: { secretKeyRef: { name: db-credentials, key: nope } }
            - name: API_TOKEN
              value: ${SECRETS.envLiteral}
          volumeMounts: [{ name: creds, mountPath: /creds }]
      volumes:
        - name: creds
          secret: { secretName: db-credentials }
`;
}

/** The forms a value could leak in: as written, base64, and each line of a multi-line value. */
function needles(): string[] {
  const out = new Set<string>();
  for (const v of Object.values(SECRETS)) {
    const s = String(v);
    out.add(s);
    out.add(b64(s));
    for (const line of s.split('\n')) out.add(line);
  }
  return [...out];
}

function leaks(text: string, where: string): string[] {
  return needles()
    .filter((n) => text.includes(n) || text.includes(JSON.stringify(n).slice(1, -1)))
    .map((n) => `${where} contains ${JSON.stringify(n)}`);
}

test('Secret values appear in no finding and nowhere in the graph (hover facts, edge reasons, problems)', () => {
  const index = new WorkspaceIndex();
  index.setFile('/secrets/app.yaml', manifests(), { explicit: true });
  const result = index.analyze();
  const findings = [...result.byFile.values()].flat();
  // The rules did look: the invalid base64, the wrong types and the secret in env are reported.
  const codes = new Set(findings.map((f) => f.code));
  assert.ok(codes.size >= 3, `findings: ${[...codes].join(', ')}`);
  const graph = buildGraph(result);
  const secretNode = graph.nodes.find((n) => n.id === 'Secret/default/db-credentials');
  assert.deepEqual(secretNode?.facts.keys, ['broken', 'cert', 'password', 'pin', 'token'], 'key names are shown');
  // A quick fix's replacement text is the user's own value going back into the user's own file
  // (quoting a number, say); everything else a finding carries is shown or printed somewhere.
  const shown = findings.map((f) => ({ ...f, fixes: f.fixes?.map((x) => ({ ...x, edits: x.edits.map((e) => ({ ...e, newText: '' })) })) }));
  assert.deepEqual([...leaks(JSON.stringify(shown), 'findings'), ...leaks(JSON.stringify(graph), 'graph')], []);
});

test('random Secret values never reach findings or the graph', () => {
  const value = fc.stringMatching(/^[A-Za-z0-9+/=!#%&*._~-]{12,40}$/).map((s) => `ktsv${s}`);
  fc.assert(
    fc.property(value, value, fc.constantFrom('data', 'stringData'), fc.boolean(), (v1, v2, field, quoted) => {
      const encoded = field === 'data' ? b64(v1) : v1;
      const text = `apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n${field}:\n  a: ${quoted ? JSON.stringify(encoded) : encoded}\n  b: [${JSON.stringify(v2)}]\n  c: {nested: ${JSON.stringify(v2)}}\n`;
      const index = new WorkspaceIndex();
      index.setFile('/s.yaml', text, { explicit: true });
      const result = index.analyze();
      const out = JSON.stringify([...result.byFile.values()]) + JSON.stringify(buildGraph(result));
      for (const n of [v1, v2, b64(v1)]) assert.ok(!out.includes(n), `${n} leaked: ${out.slice(0, 400)}`);
    }),
    { seed: FUZZ_SEED, numRuns: runs(1) },
  );
});

test('the CLI prints no Secret value in any validate or graph format, on stdout or stderr', () => {
  const cli = path.join(ROOT, 'dist/cli.js');
  assert.ok(fs.existsSync(cli), 'dist/cli.js is built (node scripts/build.mjs)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-secrets-'));
  try {
    const file = path.join(dir, 'app.yaml');
    fs.writeFileSync(file, manifests());
    const runs: [string, string[]][] = [
      ...['text', 'json', 'sarif', 'junit'].map((o): [string, string[]] => [`validate --output ${o}`, ['validate', '--output', o, '--strict', file]]),
      ...['json', 'svg', 'html', 'dot', 'mermaid'].map((o): [string, string[]] => [`graph --output ${o}`, ['graph', '--output', o, file]]),
      ['validate from stdin', ['validate', '-']],
    ];
    const problems: string[] = [];
    for (const [label, args] of runs) {
      const r = spawnSync(process.execPath, [cli, ...args], { input: manifests(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      assert.ok(r.status === 0 || r.status === 1, `${label}: exit ${r.status}: ${r.stderr}`);
      assert.ok(r.stdout.length > 0, `${label}: printed something`);
      problems.push(...leaks(r.stdout, `${label} stdout`), ...leaks(r.stderr, `${label} stderr`));
    }
    assert.deepEqual(problems, []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
