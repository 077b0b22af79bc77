import { performance } from 'node:perf_hooks';
import { WorkspaceIndex } from '../src/core/index/workspaceIndex';
import { bigFile, percentile } from './manifestCorpus';
import { yamlLanguageServerSession } from './yamlLanguageServerPeer';

export interface LatencyResult {
  tool: string;
  p50: number;
  p95: number;
  samples: number;
}

/** A one-line edit somewhere in the file: change one replica bound, alternating values. */
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
 * Edit → updated diagnostics for a 5,000-line multi-document file, ours against
 * yaml-language-server (the engine of Red Hat's YAML extension) on the same edits.
 */
export async function incrementalLatency(lines = 5000, samples = 200): Promise<{ lines: number; ours: LatencyResult; peer: LatencyResult }> {
  const base = bigFile(lines);
  const edits = editedTexts(base, samples);
  const file = '/bench/big.yaml';

  const index = new WorkspaceIndex();
  index.setFile(file, base);
  index.analyze(); // warm: schemas compiled, every document parsed once
  const ours: number[] = [];
  for (const text of edits) {
    const t0 = performance.now();
    index.setFile(file, text);
    const result = index.analyze();
    if (!result.byFile.has(file)) throw new Error('no diagnostics for the edited file');
    ours.push(performance.now() - t0);
  }

  const peer = await yamlLanguageServerSession();
  await peer.validate(file, base);
  const theirs: number[] = [];
  const peerSamples = Math.min(samples, 40); // it is slow; fewer samples keep the run short
  for (const text of edits.slice(0, peerSamples)) {
    const t0 = performance.now();
    await peer.validate(file, text);
    theirs.push(performance.now() - t0);
  }
  const summarize = (tool: string, xs: number[]): LatencyResult => {
    const s = [...xs].sort((a, b) => a - b);
    return { tool, p50: percentile(s, 50), p95: percentile(s, 95), samples: s.length };
  };
  return { lines: base.split('\n').length, ours: summarize('kube-topology', ours), peer: summarize('yaml-language-server', theirs) };
}
