import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ManifestAnalysis } from '../manifestAnalysis';
import { confirmRemote, requireContext, requireTrust } from '../cluster/clusterGate';
import { topologyPanels } from '../topologyPanel';
import type { KindCommandDeps } from './kindClusterCommand';
import type { LoadRun } from '../../core/load/loadSession';
import type { LoadRequestSpec, LoadStatus } from '../../core/load/loadTypes';
import { parseDurationMs } from '../../core/duration';
import { errorText } from '../../core/errorText';

export interface LoadDeps extends KindCommandDeps {
  analysis: ManifestAnalysis;
  context: vscode.ExtensionContext;
}

/** A Service the load can aim at (from the manifests or a graph node). */
export interface LoadTargetChoice {
  namespace: string;
  name: string;
}

/** What was asked last time for a Service, so the next run is Enter, Enter, Enter. */
interface Remembered {
  path: string;
  method: string;
  bodyFile?: string;
  rps: string;
  duration: string;
}

const CONTEXT_KEY = 'kubeTopology.loadRunning';

/**
 * "Send Load to Service…" (palette, or a Service node's "Send load" chip): asks path, method (and
 * body file), rate and duration, then runs the core load session with a cancellable progress
 * notification (Cancel = Stop), a status bar item that stops it in one click, and the scaling card
 * on every open topology panel. One run at a time per window.
 */
export class LoadRuns implements vscode.Disposable {
  private run: LoadRun | undefined;
  private readonly item: vscode.StatusBarItem;
  private closeClient: (() => void) | undefined;

  constructor(private readonly deps: LoadDeps) {
    this.item = vscode.window.createStatusBarItem('kubeTopology.load', vscode.StatusBarAlignment.Left, 39);
    this.item.name = 'Kube Topology Load';
    this.item.command = 'kubeTopology.stopLoad';
  }

  /** Starts a run; resolves with its final status (undefined when nothing was started). */
  async start(target?: LoadTargetChoice): Promise<LoadStatus | undefined> {
    if (!requireTrust('Sending load to a cluster')) return undefined;
    const ctx = requireContext(this.deps.contexts);
    if (!ctx) return undefined;
    if (this.run) {
      const choice = await vscode.window.showWarningMessage(`Kube Topology: a load on ${this.run.status().service} is running.`, 'Stop It', 'Keep It');
      if (choice !== 'Stop It') return undefined;
      await this.stop();
    }
    const service = target ?? (await this.pickService());
    if (!service) return undefined;
    const spec = await this.askSpec(service);
    if (!spec) return undefined;
    // The run creates a load pod or a NodePort Service there and deletes it again: like Apply, a yes first on a cluster elsewhere.
    const detail = `Sending load to Service ${service.namespace}/${service.name} creates a short-lived load pod or a temporary NodePort Service, deleted when the run ends.`;
    if (!(await confirmRemote(ctx, 'Apply', 1, detail))) return undefined;

    const { startLoad } = await import('../../core/load/loadSession');
    const client = await this.deps.contexts.openSelected();
    this.closeClient = () => client.close();
    let lastTimeline = 0;
    const log = this.deps.log;
    const onStatus = (s: LoadStatus) => {
      for (const e of s.timeline.slice(lastTimeline)) log.info(`load ${s.service} +${(e.atMs / 1000).toFixed(1)}s: ${e.text}`);
      lastTimeline = s.timeline.length;
      for (const p of topologyPanels()) p.postLoad(s);
      this.item.text = `$(pulse) ${s.service}: ${s.phase === 'running' ? `${s.lastSecond.sent} req/s` : s.phase}`;
      this.item.tooltip = `Load on Service ${s.namespace}/${s.service} (${s.context}) — click to stop`;
    };

    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Kube Topology: load → ${service.name}`, cancellable: true },
      async (progress, token) => {
        const setup = new AbortController();
        // Cancel on the notification ends everything, the watch included
        token.onCancellationRequested(() => {
          setup.abort();
          void this.run?.stop();
        });
        try {
          this.run = await startLoad({
            client,
            target: { namespace: service.namespace, service: service.name },
            spec,
            settle: true,
            signal: setup.signal,
            onSetup: (m) => {
              log.info(`load ${service.name}: ${m}`);
              progress.report({ message: m });
            },
            onStatus: (s) => {
              onStatus(s);
              progress.report({ message: progressLine(s) });
            },
          });
        } catch (e) {
          this.finish();
          if (setup.signal.aborted) return undefined;
          const message = errorText(e);
          log.error(`load ${service.name}: ${message}`);
          void vscode.window.showErrorMessage(`Kube Topology: load on ${service.name} could not start: ${message}`);
          return undefined;
        }
        void vscode.commands.executeCommand('setContext', CONTEXT_KEY, true);
        this.item.show();
        log.info(`load ${service.name}: ${spec.method} ${spec.path}, ${spec.rps} req/s for ${spec.durationMs / 1000} s via ${this.run.status().via}`);
        const final = await this.run.done;
        this.finish();
        const t = final.total;
        const summary = `Kube Topology: load on ${final.service} ${final.phase}: ${t.sent} requests, ${t.errors} errors${t.p50Ms !== undefined ? `, p50 ${t.p50Ms} ms, p95 ${t.p95Ms} ms` : ''}.${final.scalers.length ? ` ${final.scalers.map((s) => `HPA ${s.name}: ${s.currentReplicas} replica${s.currentReplicas === 1 ? '' : 's'}`).join(', ')}.` : ''}`;
        log.info(summary);
        (final.phase === 'failed' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage)(
          final.phase === 'failed' ? `${summary} ${final.message ?? ''}` : summary,
        );
        return final;
      },
    );
  }

  /**
   * Stop (card, status bar, palette): ends the load and keeps following the HPAs' scale-down; a
   * second Stop ends that too. `id`: only that run.
   */
  async stop(id?: string): Promise<void> {
    const run = this.run;
    if (!run || (id && run.id !== id)) return;
    await run.stop({ keepWatching: run.status().phase === 'running' });
  }

  private finish(): void {
    this.run = undefined;
    this.item.hide();
    this.closeClient?.();
    this.closeClient = undefined;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEY, false);
  }

  private async pickService(): Promise<LoadTargetChoice | undefined> {
    const defaultNs = this.deps.analysis.currentConfig.defaultNamespace;
    const seen = new Set<string>();
    const items: (vscode.QuickPickItem & { target: LoadTargetChoice })[] = [];
    for (const scope of this.deps.analysis.allScopes()) {
      for (const r of scope.last?.resources ?? []) {
        if (r.kind !== 'Service' || !r.name) continue;
        const namespace = r.namespace || defaultNs;
        const key = `${namespace}/${r.name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        items.push({
          label: r.name,
          description: namespace,
          detail: vscode.workspace.asRelativePath(vscode.Uri.parse(r.file)),
          target: { namespace, name: r.name },
        });
      }
    }
    if (!items.length) {
      void vscode.window.showInformationMessage('Kube Topology: the workspace defines no Service to send load to.');
      return undefined;
    }
    return (await vscode.window.showQuickPick(items, { title: 'Send load to which Service?', matchOnDescription: true }))?.target;
  }

  private async askSpec(s: LoadTargetChoice): Promise<LoadRequestSpec | undefined> {
    const key = `kubeTopology.load.${s.namespace}/${s.name}`;
    const last = this.deps.context.workspaceState.get<Remembered>(key);
    const title = `Send load to ${s.name}`;
    const { bodyContentType, checkLoadInput, MAX_BODY_BYTES } = await import('../../core/load/loadTarget');
    const requestPath = await vscode.window.showInputBox({
      title: `${title} (1/4)`,
      prompt: 'Path (and query) to call, e.g. /predict',
      value: last?.path ?? '/',
      validateInput: (v) =>
        validate(() => checkLoadInput({ namespace: s.namespace, service: s.name }, { method: 'GET', path: v, rps: 1, durationMs: 1000, timeoutMs: 1000 })),
    });
    if (requestPath === undefined) return undefined;
    const methods: (vscode.QuickPickItem & { method: string; bodyFile?: string; choose?: boolean })[] = [
      { label: 'GET', method: 'GET' },
      ...(last?.bodyFile ? [{ label: 'POST', description: `body: ${path.basename(last.bodyFile)}`, method: 'POST', bodyFile: last.bodyFile }] : []),
      { label: 'POST', description: 'choose a body file (e.g. the JSON /predict expects)…', method: 'POST', choose: true },
      { label: 'POST', description: 'empty body', method: 'POST' },
    ];
    const preferred = last ? methods.findIndex((m) => m.method === last.method && m.bodyFile === last.bodyFile && !m.choose) : 0;
    const ordered = preferred > 0 ? [methods[preferred], ...methods.filter((_, i) => i !== preferred)] : methods;
    const method = await vscode.window.showQuickPick(ordered, { title: `${title} (2/4)`, placeHolder: 'HTTP method' });
    if (!method) return undefined;
    let bodyFile = method.bodyFile;
    if (method.choose) {
      const picked = await vscode.window.showOpenDialog({
        title: 'Request body',
        canSelectMany: false,
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      });
      if (!picked?.length) return undefined;
      bodyFile = picked[0].fsPath;
    }
    const rps = await vscode.window.showInputBox({
      title: `${title} (3/4)`,
      prompt: 'Requests per second',
      value: last?.rps ?? '10',
      validateInput: (v) => (Number(v) > 0 && Number(v) <= 500 ? undefined : 'a number above 0, at most 500'),
    });
    if (rps === undefined) return undefined;
    const duration = await vscode.window.showInputBox({
      title: `${title} (4/4)`,
      prompt: 'For how long (e.g. 60s, 2m); it stops by itself',
      value: last?.duration ?? '60s',
      validateInput: (v) => (inRange(parseDurationMs(v)) ? undefined : 'a duration like 60s, 2m or 1m30s (1s to 1h)'),
    });
    if (duration === undefined) return undefined;
    let body: string | undefined;
    if (bodyFile) {
      try {
        // With a ceiling, as the CLI reads --body: a device or pipe ends at it.
        const { readFileCapped } = await import('../../core/cluster/boundedIo');
        body = readFileCapped(bodyFile, MAX_BODY_BYTES).toString('utf8');
      } catch (e) {
        void vscode.window.showErrorMessage(`Kube Topology: cannot read ${bodyFile}: ${errorText(e)}`);
        return undefined;
      }
    }
    await this.deps.context.workspaceState.update(key, { path: requestPath, method: method.method, bodyFile, rps, duration } satisfies Remembered);
    return {
      method: method.method,
      path: requestPath,
      rps: Number(rps),
      durationMs: parseDurationMs(duration) ?? 60_000,
      timeoutMs: 10_000,
      ...(body !== undefined && bodyFile ? { body, contentType: bodyContentType(bodyFile, body) } : {}),
    };
  }

  dispose(): void {
    void this.run?.stop();
    this.item.dispose();
  }
}

function inRange(ms: number | undefined): boolean {
  return ms !== undefined && ms >= 1000 && ms <= 3_600_000;
}

function validate(check: () => void): string | undefined {
  try {
    check();
    return undefined;
  } catch (e) {
    return errorText(e).replace(/^--path/, 'the path');
  }
}

/** The notification's line: "12 s / 60 s · 10 req/s · 0 errors · p50 120 ms · HPA gateway 1→4 CPU 152% / 50%". */
export function progressLine(s: LoadStatus): string {
  const hpas = s.scalers
    .map(
      (sc) =>
        `HPA ${sc.name} ${sc.desiredReplicas && sc.desiredReplicas !== sc.currentReplicas ? `${sc.currentReplicas}→${sc.desiredReplicas}` : sc.currentReplicas}${sc.metrics[0] ? ` ${sc.metrics[0]}` : ''}`,
    )
    .join(' · ');
  const head =
    s.phase === 'running'
      ? `${Math.round(s.elapsedMs / 1000)} s / ${Math.round(s.durationMs / 1000)} s · ${s.lastSecond.sent} req/s · ${s.total.errors} errors${s.lastSecond.p50Ms !== undefined ? ` · p50 ${s.lastSecond.p50Ms} ms` : ''}`
      : s.phase === 'settling'
        ? `load over (${s.total.sent} requests, ${s.total.errors} errors) · watching the scale-down`
        : s.phase;
  return hpas ? `${head} · ${hpas}` : head;
}
