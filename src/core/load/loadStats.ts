/**
 * Request counts and latency for a load run: the whole run and the last second, plus error kinds.
 * Pure bookkeeping over the times it is given (no clock of its own), so it is tested exactly.
 */
import type { LoadCounts } from './loadTypes';

export interface RequestResult {
  /** When it finished, ms (any clock, same as `sent`'s). */
  at: number;
  /** Answered with status < 400. */
  ok: boolean;
  /** Time to the whole answer, ms (absent for requests that got no answer). */
  ms?: number;
  /** "HTTP 502", "timeout", "ECONNREFUSED" … (for failures). */
  error?: string;
}

/** Latencies kept for the whole-run percentiles; beyond this a uniform sample is kept. */
const MAX_SAMPLES = 100_000;
const MAX_ERROR_KINDS = 50;

export class LoadStats {
  private sentTotal = 0;
  private okTotal = 0;
  private errorTotal = 0;
  private maxMs = 0;
  private readonly samples: number[] = [];
  private seen = 0;
  private readonly recentSent: number[] = [];
  private readonly recent: RequestResult[] = [];
  readonly errorKinds: Record<string, number> = {};

  constructor(private readonly random: () => number = Math.random) {}

  sent(at: number): void {
    this.sentTotal++;
    this.recentSent.push(at);
  }

  record(r: RequestResult): void {
    if (r.ok) this.okTotal++;
    else {
      this.errorTotal++;
      const kind = r.error ?? 'error';
      if (kind in this.errorKinds || Object.keys(this.errorKinds).length < MAX_ERROR_KINDS) this.errorKinds[kind] = (this.errorKinds[kind] ?? 0) + 1;
      else this.errorKinds.other = (this.errorKinds.other ?? 0) + 1;
    }
    if (r.ms !== undefined && r.ok) {
      this.maxMs = Math.max(this.maxMs, r.ms);
      // reservoir sampling keeps every latency equally likely to be in the sample
      this.seen++;
      if (this.samples.length < MAX_SAMPLES) this.samples.push(r.ms);
      else {
        const j = Math.floor(this.random() * this.seen);
        if (j < MAX_SAMPLES) this.samples[j] = r.ms;
      }
    }
    this.recent.push(r);
  }

  /** Whole-run counts. */
  total(): LoadCounts {
    return { sent: this.sentTotal, ok: this.okTotal, errors: this.errorTotal, ...percentiles(this.samples, this.maxMs) };
  }

  /** Counts of the second before `now` (requests sent, and answers that arrived, in (now-1000, now]). */
  lastSecond(now: number): LoadCounts {
    const from = now - 1000;
    while (this.recentSent.length && this.recentSent[0] <= from) this.recentSent.shift();
    while (this.recent.length && this.recent[0].at <= from) this.recent.shift();
    const answered = this.recent.filter((r) => r.ok && r.ms !== undefined).map((r) => r.ms as number);
    return {
      sent: this.recentSent.length,
      ok: this.recent.filter((r) => r.ok).length,
      errors: this.recent.filter((r) => !r.ok).length,
      ...percentiles(answered, answered.length ? Math.max(...answered) : 0),
    };
  }
}

/** Nearest-rank p50 and p95, rounded to whole ms; nothing when there are no samples. */
export function percentiles(values: readonly number[], max: number): Pick<LoadCounts, 'p50Ms' | 'p95Ms' | 'maxMs'> {
  if (!values.length) return {};
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  return { p50Ms: Math.round(rank(50)), p95Ms: Math.round(rank(95)), maxMs: Math.round(max) };
}
