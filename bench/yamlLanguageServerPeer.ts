import { combinedSchema } from '../src/core/schema/kubeconformExport';

/**
 * yaml-language-server (the engine of Red Hat's YAML extension), driven in-process with a
 * Kubernetes schema built from the same committed schemas we validate with: a union of the
 * kinds the benchmark uses (smaller than its usual all-kinds schema, which favours the peer).
 *
 * The union comes from combinedSchema(): a oneOf of the standalone kubeconform files would keep
 * each file's `#/definitions/…` refs, which yaml-language-server resolves against the outer
 * document and so silently validates nothing below the top level.
 */
export interface PeerSession {
  /** Validates one document version; resolves to the number of diagnostics. */
  validate(file: string, text: string): Promise<number>;
}

export const BENCH_KINDS: readonly (readonly [string, string])[] = [
  ['apps/v1', 'Deployment'],
  ['v1', 'Service'],
  ['autoscaling/v2', 'HorizontalPodAutoscaler'],
  ['v1', 'ConfigMap'],
  ['networking.k8s.io/v1', 'Ingress'],
];

export async function yamlLanguageServerSession(version = '1.36'): Promise<PeerSession> {
  const schema = combinedSchema(version, BENCH_KINDS);
  // Loaded lazily: the peer is a dev dependency of the benchmark only.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ysl = require('yaml-language-server');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { TextDocument } = require('vscode-languageserver-textdocument');
  const uri = 'file:///bench/k8s-schema.json';
  const service = ysl.getLanguageService({
    schemaRequestService: async () => JSON.stringify(schema),
    workspaceContext: { resolveRelativePath: (rel: string, res: string) => new URL(rel, res).toString() },
  });
  service.configure({ validate: true, hover: false, completion: false, isKubernetes: true, schemas: [{ uri, fileMatch: ['*.yaml'], schema }] });
  let version_ = 0;
  return {
    async validate(file: string, text: string): Promise<number> {
      const doc = TextDocument.create(`file://${file}`, 'yaml', ++version_, text);
      const diagnostics = await service.doValidation(doc, true);
      return diagnostics.length;
    },
  };
}
