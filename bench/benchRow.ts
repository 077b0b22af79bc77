/**
 * One line of the `npm run bench` table. Times are milliseconds; `ratio` is ours / peer, so
 * below 1 means we are faster. A missed target is shown, never thrown: speed is reported, not
 * asserted.
 */
export interface BenchRow {
  name: string;
  ours: number;
  /** What the peer column measures ("kubeconform v0.7.0", "yaml-language-server 1.25.0"). */
  peerName?: string;
  peer?: number;
  ratio?: number;
  unit: string;
  /** Human-readable target, e.g. "≤ 1.0× kubeconform". */
  target?: string;
  pass?: boolean;
  details?: string;
}

/** The shape other helpers' benches return (bench/applyBench.ts, bench/journeyBench.ts). */
export interface ExternalRow {
  name: string;
  ours: number;
  peer?: number;
  ratio?: number;
  details?: unknown;
  target?: string;
  pass?: boolean;
  unit?: string;
}

export function fromExternal(r: ExternalRow): BenchRow {
  const ratio = r.ratio ?? (r.peer ? r.ours / r.peer : undefined);
  return {
    name: r.name,
    ours: r.ours,
    peer: r.peer,
    ratio,
    unit: r.unit ?? 'ms',
    target: r.target,
    pass: r.pass,
    details: r.details === undefined ? undefined : typeof r.details === 'string' ? r.details : JSON.stringify(r.details),
  };
}

export function formatValue(x: number | undefined, unit: string): string {
  if (x === undefined || Number.isNaN(x)) return '—';
  if (unit === 'ms') return `${x.toFixed(x < 10 ? 2 : x < 100 ? 1 : 0)} ms`;
  if (unit === 'KB') return `${Math.round(x)} KB`;
  return `${Math.round(x * 100) / 100} ${unit}`;
}

export function formatTable(rows: BenchRow[]): string {
  const header = ['benchmark', 'ours', 'peer', 'ratio', 'target', 'pass'];
  const body = rows.map((r) => [
    r.name,
    formatValue(r.ours, r.unit),
    r.peer === undefined ? '—' : `${formatValue(r.peer, r.unit)}${r.peerName ? ` (${r.peerName})` : ''}`,
    r.ratio === undefined ? '—' : `${r.ratio.toFixed(2)}×`,
    r.target ?? '—',
    r.pass === undefined ? '—' : r.pass ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
