import { performance } from 'node:perf_hooks';
import { WorkspaceIndex } from '../src/core/index/workspaceIndex';
import { appDocuments, bigFile, percentile } from './manifestCorpus';
import { yamlLanguageServerSession } from './yamlLanguageServerPeer';
import type { BenchRow } from './benchRow';

/** A one-line edit somewhere in the file: change one replica bound, cycling values and places. */
function editedTexts(text: string, count: number): string[] {
  const lines = text.split('\n');
  const targets: number[] = [];
  lines.forEach((l, i) => {
    if (l.includes('maxReplicas:')) targets.push(i);
  });
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const copy = lines.slice();
    const line = targets[(k * 7) % targets.length];
    copy[line] = copy[line].replace(/maxReplicas: \d+/, `maxReplicas: ${5 + (k % 3)}`);
    out.push(copy.join('\n'));
  }
  return out;
}

/**
 * Keystroke → updated diagnostics: a one-line edit in a 5,000-line multi-document file that sits
 * in a workspace of `resources` resources (the cross-resource checks see all of them). The peer,
 * yaml-language-server, validates the edited file on the same edits (it has no cross-file work).
 */
export async function incrementalBench(lines = 5000, resources = 2000, samples = 300): Promise<BenchRow[]> {
  const base = bigFile(lines);
  const edits = editedTexts(base, samples);
  const file = '/bench/big.yaml';

  const index = new WorkspaceIndex();
  index.setFile(file, base);
  const count = index.resources().length;
  // The rest of the workspace: other apps (numbered after the big file's), ten documents per file.
  const rest: string[] = [];
  for (let i = Math.ceil(count / 5) + 1; count + rest.length < resources; i++) rest.push(...appDocuments(i));
  rest.length = resources - count;
  for (let i = 0; i < rest.length; i += 10) index.setFile(`/bench/apps-${i / 10}.yaml`, rest.slice(i, i + 10).join('---\n'));
  index.analyze(); // warm: schemas compiled, every document parsed once
  for (const text of edits.slice(0, 20)) {
    index.setFile(file, text);
    index.analyze();
  }
  const ours: number[] = [];
  for (const text of edits) {
    const t0 = performance.now();
    index.setFile(file, text);
    const result = index.analyze();
    ours.push(performance.now() - t0);
    if (!result.byFile.has(file) || result.resources.length !== resources) throw new Error('the edit lost the file or resources');
  }

  const peer = await yamlLanguageServerSession();
  await peer.validate(file, base);
  const theirs: number[] = [];
  const peerSamples = Math.min(samples, 40); // it is slow; fewer samples keep the run short
  for (const text of edits.slice(0, peerSamples)) {
    const t0 = performance.now();
    const diagnostics = await peer.validate(file, text);
    theirs.push(performance.now() - t0);
    if (diagnostics !== 0) throw new Error(`yaml-language-server reported ${diagnostics} diagnostics on a valid edit`);
  }
  const s = [...ours].sort((a, b) => a - b);
  const t = [...theirs].sort((a, b) => a - b);
  const p = (xs: number[], q: number) => percentile(xs, q);
  const fileLines = base.split('\n').length;
  const where = `one-line edit in a ${fileLines}-line file, ${resources}-resource workspace`;
  return [
    {
      name: `incremental p50 (${where})`,
      ours: p(s, 50),
      peerName: 'yaml-language-server',
      peer: p(t, 50),
      ratio: p(s, 50) / p(t, 50),
      unit: 'ms',
      details: `${s.length} edits ours, ${t.length} peer`,
    },
    {
      name: `incremental p95 (${where})`,
      ours: p(s, 95),
      peerName: 'yaml-language-server',
      peer: p(t, 95),
      ratio: p(s, 95) / p(t, 95),
      unit: 'ms',
      target: '< 10 ms and ≤ 0.2× peer',
      pass: p(s, 95) < 10 && p(s, 95) <= 0.2 * p(t, 95),
      details: `max ours ${s[s.length - 1].toFixed(1)} ms`,
    },
  ];
}
