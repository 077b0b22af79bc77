import { parse } from 'yaml';
import { asArray, asRecord } from '../model/kinds';
import type { DeclaredUnit } from './applyUnits';
import { joinKey } from './unitPaths';

/**
 * Units a project declares, in `.kube-topology.yaml` at its root (read by the CLI and the editor)
 * or in the setting `kubeTopology.units` (the editor; it wins over the file):
 *
 * ```yaml
 * units:
 *   - name: shop              # optional; shown in findings and the graph
 *     paths: [k8s/shop, k8s/common]   # as `kubectl apply -f`: files, or folders (their files, not subfolders)
 *     recursive: true         # as `kubectl apply -R`: folders with their subfolders
 * ```
 *
 * Kustomizations and Helm charts are units without being declared.
 */
export interface UnitDeclaration {
  name?: string;
  paths: string[];
  recursive?: boolean;
}

export interface ProjectConfig {
  units: UnitDeclaration[];
  /** What could not be read, one line each (the file is still used for the rest). */
  problems: string[];
}

/** Reads the `units` list of a settings value or of the parsed `.kube-topology.yaml`. */
export function readUnitDeclarations(value: unknown): ProjectConfig {
  const out: ProjectConfig = { units: [], problems: [] };
  if (value === undefined || value === null) return out;
  if (!Array.isArray(value)) {
    out.problems.push('units must be a list');
    return out;
  }
  asArray(value).forEach((entry, i) => {
    const rec = asRecord(entry);
    if (!rec) {
      out.problems.push(`units[${i}] must be a mapping with paths`);
      return;
    }
    const raw = rec.paths ?? rec.path;
    const paths = (Array.isArray(raw) ? raw : [raw]).filter((p): p is string => typeof p === 'string' && p.trim() !== '');
    if (!paths.length) {
      out.problems.push(`units[${i}] has no paths`);
      return;
    }
    const unknown = Object.keys(rec).filter((k) => !['name', 'paths', 'path', 'recursive'].includes(k));
    if (unknown.length) out.problems.push(`units[${i}]: unknown field ${unknown.join(', ')} (known: name, paths, recursive)`);
    out.units.push({
      name: typeof rec.name === 'string' && rec.name.trim() ? rec.name.trim() : undefined,
      paths,
      recursive: rec.recursive === true || undefined,
    });
  });
  return out;
}

export function parseProjectConfig(text: string): ProjectConfig {
  let data: unknown;
  try {
    data = parse(text, { prettyErrors: false, logLevel: 'silent', maxAliasCount: 100 });
  } catch (e) {
    return { units: [], problems: [`not valid YAML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`] };
  }
  if (data == null) return { units: [], problems: [] };
  const rec = asRecord(data);
  if (!rec) return { units: [], problems: ['expected a mapping with a units list'] };
  return readUnitDeclarations(rec.units);
}

/** Declarations with their paths resolved against the project root (a folder key or path). */
export function resolveDeclarations(units: readonly UnitDeclaration[], root: string): DeclaredUnit[] {
  return units.map((u) => ({ name: u.name, recursive: u.recursive, paths: u.paths.map((p) => joinKey(root, p)) }));
}
