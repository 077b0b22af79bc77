import { WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import type { Finding } from '../../../src/core/findings';
import type { AnalysisOptions } from '../../../src/core/rules/types';
import { SCHEMA_RULES } from '../../../src/core/schema/schemaRules';

const OWN_CODES = new Set(SCHEMA_RULES.map((r) => r.code));

/** Findings of the schema module (other rule families filtered out) for one file through the real pipeline. */
export function schemaFindings(text: string, options: Partial<AnalysisOptions> = {}, file = 'test.yaml'): Finding[] {
  const index = new WorkspaceIndex(options);
  index.setFile(file, text);
  return (index.analyze().byFile.get(file) ?? []).filter((f) => OWN_CODES.has(f.code));
}

/** `code@line:col-line:col message` with 1-based positions, for readable assertion failures. */
export function show(findings: Finding[]): string {
  return findings
    .map((f) => `${f.code}@${f.range.start.line + 1}:${f.range.start.character + 1}-${f.range.end.line + 1}:${f.range.end.character + 1} ${f.message}`)
    .join('\n');
}

/** A 0-based range from 1-based line and column numbers (as an editor shows them). */
export function at(line: number, col: number, endCol: number, endLine = line) {
  return { start: { line: line - 1, character: col - 1 }, end: { line: endLine - 1, character: endCol - 1 } };
}

export const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: gateway
  labels:
    app: gateway
spec:
  replicas: 2
  selector:
    matchLabels:
      app: gateway
  template:
    metadata:
      labels:
        app: gateway
    spec:
      containers:
        - name: gateway
          image: registry.local/gateway:1.0
          imagePullPolicy: IfNotPresent
          ports:
            - name: http
              containerPort: 9696
          env:
            - name: MODEL_URL
              value: http://model:8080
          resources:
            requests:
              cpu: 500m
              memory: 1Gi
            limits:
              cpu: 1
              memory: 2Gi
          readinessProbe:
            httpGet:
              path: /ready
              port: http
`;
