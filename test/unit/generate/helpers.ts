import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { ruleMeta } from '../../../src/core/rules/catalog';
import type { Finding } from '../../../src/core/findings';
import type { Resource } from '../../../src/core/parse/manifestParser';
import {
  parseTemplate,
  renderFiles,
  resolveValues,
  type GeneratedFile,
  type OutputLayout,
  type ParameterValue,
  type Template,
} from '../../../src/core/generate';

/** The repository root (tests run from out/test/unit/generate). */
export const REPO = path.resolve(__dirname, '../../../..');
export const TEMPLATES_DIR = path.join(REPO, 'templates');

export function builtIn(name: string): Template {
  const file = path.join(TEMPLATES_DIR, `${name}.yaml`);
  return parseTemplate(readFileSync(file, 'utf8'), file, true);
}

export function builtInNames(): string[] {
  return readdirSync(TEMPLATES_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''))
    .sort();
}

export function generate(template: Template, sets: Record<string, ParameterValue> = {}, layout: OutputLayout = 'single'): GeneratedFile[] {
  const r = resolveValues(template, sets);
  if (r.problems.length) throw new Error(r.problems.map((p) => p.message).join('; '));
  return renderFiles(template, r.values, { layout, changed: r.changed });
}

export interface Validation {
  errors: Finding[];
  warnings: Finding[];
  infos: Finding[];
  resources: Resource[];
}

/** Runs the project's whole validation pipeline over the files, as the CLI and the editor do. */
export function validate(files: { path: string; text: string }[]): Validation {
  const index = new WorkspaceIndex();
  for (const f of files) index.setFile(f.path, f.text);
  const result = index.analyze();
  const all = [...result.byFile.values()].flat();
  return {
    errors: all.filter((f) => f.severity === 'error'),
    warnings: all.filter((f) => f.severity === 'warning'),
    infos: all.filter((f) => f.severity === 'info'),
    resources: result.resources,
  };
}

/** Info findings other than kind hints (LoadBalancer pending on kind, metrics-server, ...). */
export function nonKindInfos(v: Validation): Finding[] {
  return v.infos.filter((f) => ruleMeta(f.code)?.family !== 'kind');
}

export function describe(findings: Finding[]): string {
  return findings.map((f) => `${f.file}:${f.range.start.line + 1} ${f.severity} [${f.code}] ${f.message}`).join('\n');
}

export function yamlObjects(text: string): Record<string, unknown>[] {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new Error('not a YAML stream');
  for (const d of docs) if (d.errors.length) throw new Error(d.errors[0].message);
  return docs.map((d) => d.toJS() as Record<string, unknown>).filter((o) => o !== null);
}

export { existsSync };
