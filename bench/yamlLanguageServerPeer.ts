import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { writeKubeconformSchemas } from '../src/core/schema/kubeconformExport';

/**
 * yaml-language-server (the engine of Red Hat's YAML extension), driven in-process with a
 * Kubernetes schema built from the same committed schemas we validate with: a union of the
 * kinds the benchmark uses (smaller than its usual all-kinds schema, which favours the peer).
 */
export interface PeerSession {
  validate(file: string, text: string): Promise<number>;
}

const BENCH_KINDS = ['deployment-apps-v1', 'service-v1', 'horizontalpodautoscaler-autoscaling-v2', 'configmap-v1', 'ingress-networking-v1'];

export async function yamlLanguageServerSession(schemaDir = path.join(require('node:os').tmpdir(), 'kt-bench-schemas')): Promise<PeerSession> {
  const dir = writeKubeconformSchemas(schemaDir, '1.36');
  const kinds = BENCH_KINDS.map((k) => JSON.parse(readFileSync(path.join(dir, `${k}.json`), 'utf8')));
  const schema = { oneOf: kinds };
  // Loaded lazily: the peer is a dev dependency of the benchmark only.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const ysl = require('yaml-language-server');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { TextDocument } = require('vscode-languageserver-textdocument');
  const service = ysl.getLanguageService({
    schemaRequestService: async () => JSON.stringify(schema),
    workspaceContext: { resolveRelativePath: (rel: string, res: string) => new URL(rel, res).toString() },
  });
  service.configure({ validate: true, hover: false, completion: false, isKubernetes: true, schemas: [{ uri: 'file:///bench/k8s-schema.json', fileMatch: ['*.yaml'], schema }] });
  let version = 0;
  return {
    async validate(file: string, text: string): Promise<number> {
      const doc = TextDocument.create(`file://${file}`, 'yaml', ++version, text);
      const diagnostics = await service.doValidation(doc, true);
      return diagnostics.length;
    },
  };
}
