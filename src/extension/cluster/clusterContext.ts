import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  classifyServer,
  gatherLocalityEvidence,
  kubeconfigFiles,
  loadKubeconfig,
  type ContextInfo,
  type KubeconfigInfo,
  type LocalityEvidence,
} from '../../core/cluster/kubeconfig';
import { listKindClusters } from '../../core/cluster/kindImages';
import type { ClusterClient } from '../../core/cluster/clusterClient';
import type { LiveConnection } from '../../core/cluster/liveConnection';
import { statusBarText, type ContextState } from './clusterText';
import { affectsSetting, setting as readSetting } from '../config';

const WORKSPACE_KEY = 'kubeTopology.cluster.context';
const SETTING = 'cluster.context';

/**
 * Which kubeconfig context the cluster features talk to, and whether it answers.
 *
 * The kubeconfig is read with the `yaml` package (cheap); @kubernetes/client-node is loaded only
 * when a connection is opened (probe, apply, live view), through a dynamic import so activation
 * never evaluates it. The choice: the setting, else what was picked for this workspace, else the
 * kubeconfig's current-context. The files of $KUBECONFIG (or ~/.kube/config) are watched: kind
 * writes its context there when a cluster is created.
 *
 * Local or remote is decided from where each server is (core/cluster/locality.ts): loopback and
 * unix-socket servers at once, others after kind and DNS have been asked (in the background; until
 * then they count as remote, so the answer errs on the side of asking).
 */
export class ClusterContextManager implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ContextState>();
  readonly onDidChange = this.changed.event;
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private watchers: vscode.Disposable[] = [];
  private watchedKey = '';
  private info: KubeconfigInfo | undefined;
  private kindClusters: string[] | undefined;
  private locality: LocalityEvidence | undefined;
  /** The remote-looking servers the evidence was gathered for. */
  private localityKey = '';
  private current: ContextState = { source: 'none', probe: 'unknown' };
  private probeGeneration = 0;
  private reloadTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.item = vscode.window.createStatusBarItem('kubeTopology.cluster', vscode.StatusBarAlignment.Left, 40);
    this.item.name = 'Kube Topology Cluster';
    this.item.command = 'kubeTopology.selectContext';
    this.disposables.push(
      this.item,
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsSetting(e, SETTING)) this.reloadSoon();
      }),
    );
  }

  /** Reads the kubeconfig and probes, without blocking activation. */
  start(): void {
    this.reload();
    // `kind get clusters` can take a while when docker is slow: never wait for it.
    void listKindClusters({ timeoutMs: 5000 }).then(
      (names) => {
        this.kindClusters = names;
      },
      () => undefined,
    );
  }

  get state(): ContextState {
    return this.current;
  }

  get kubeconfig(): KubeconfigInfo | undefined {
    return this.info;
  }

  get knownKindClusters(): string[] | undefined {
    return this.kindClusters;
  }

  /** Re-reads the kubeconfig files, re-selects and re-probes. */
  reload(): void {
    try {
      this.info = loadKubeconfig({ locality: this.locality });
      for (const w of this.info.warnings) this.log.debug(`kubeconfig: ${w}`);
      void this.confirmLocality(this.info);
    } catch (e) {
      this.info = undefined;
      this.set({ source: 'none', probe: 'unknown', error: (e as Error).message });
      this.watchFiles(kubeconfigFiles());
      return;
    }
    this.watchFiles(kubeconfigFiles());
    const { context, source } = this.choose(this.info);
    if (!context) {
      this.set({ source: 'none', probe: 'unknown', error: this.info.contexts.length ? 'no context selected' : 'no kubeconfig contexts' });
      return;
    }
    const same = this.current.context?.name === context.name && this.current.context.server === context.server;
    this.set({
      context,
      source,
      probe: same && this.current.probe === 'reachable' ? 'reachable' : 'unknown',
      version: same ? this.current.version : undefined,
    });
    void this.probe();
  }

  /** Asks kind and DNS about servers that are not plainly local, once per set of such servers, then re-reads. */
  private async confirmLocality(info: KubeconfigInfo): Promise<void> {
    // The servers the address alone does not call local (not the current classification, which the evidence changes).
    const servers = [...new Set(info.contexts.filter((c) => c.server && !classifyServer(c.server, [c.name, c.cluster]).local).map((c) => c.server))].sort();
    const key = servers.join('\n');
    if (key === this.localityKey) return;
    this.localityKey = key;
    const evidence = await gatherLocalityEvidence(servers);
    if (key !== this.localityKey) return; // a newer kubeconfig is being looked at
    this.locality = evidence;
    this.reload();
  }

  /** Remembers a context for this workspace (the setting, when set, still wins). */
  async select(name: string): Promise<void> {
    await this.context.workspaceState.update(WORKSPACE_KEY, name);
    const setting = readSetting(SETTING);
    if (setting && setting !== name) {
      void vscode.window.showWarningMessage(`Kube Topology: the setting kubeTopology.cluster.context ("${setting}") overrides the context picked here.`);
    }
    this.reload();
  }

  /** Asks the API server for /version within a few seconds; never throws. */
  async probe(): Promise<ContextState> {
    const ctx = this.current.context;
    if (!ctx || !this.info) return this.current;
    const generation = ++this.probeGeneration;
    this.set({ ...this.current, probe: 'probing' });
    let next: ContextState;
    try {
      const client = await this.open(ctx.name);
      try {
        const r = await client.probe();
        next =
          r.reachable && !r.error
            ? { ...this.current, probe: 'reachable', version: r.version, error: undefined }
            : { ...this.current, probe: 'unreachable', version: undefined, error: r.error };
      } finally {
        client.close();
      }
    } catch (e) {
      next = { ...this.current, probe: 'unreachable', version: undefined, error: (e as Error).message };
    }
    if (generation !== this.probeGeneration) return this.current; // a newer probe or context switch won
    this.set(next);
    if (next.probe === 'unreachable') this.log.info(`Cluster ${ctx.name}: not reachable (${next.error ?? 'no answer'})`);
    else this.log.info(`Cluster ${ctx.name}: reachable${next.version ? `, Kubernetes ${next.version}` : ''}`);
    return next;
  }

  /** A connection to the selected context (the caller closes it). */
  async openSelected(): Promise<ClusterClient> {
    const ctx = this.current.context;
    if (!ctx)
      throw new Error(
        this.info?.contexts.length ? 'no kubeconfig context is selected' : 'no kubeconfig contexts found (is ~/.kube/config or $KUBECONFIG set?)',
      );
    return this.open(ctx.name);
  }

  /** The connection the live view and port-forward use (a ClusterClient is one; the caller closes it). */
  async liveConnection(): Promise<{ connection: LiveConnection; close(): void }> {
    const client = await this.openSelected();
    return { connection: client, close: () => client.close() };
  }

  private async open(name: string): Promise<ClusterClient> {
    // Deferred: evaluating the cluster client (and client-node behind it) only when it is needed.
    const { openCluster } = await import('../../core/cluster/clusterClient');
    return openCluster(name, { info: this.info });
  }

  private choose(info: KubeconfigInfo): { context?: ContextInfo; source: ContextState['source'] } {
    const byName = (n: string | undefined) => (n ? info.contexts.find((c) => c.name === n) : undefined);
    const setting = readSetting(SETTING);
    if (setting) {
      const c = byName(setting);
      if (c) return { context: c, source: 'setting' };
      this.log.warn(`Setting kubeTopology.cluster.context names "${setting}", which no kubeconfig file defines; using the default.`);
    }
    const remembered = byName(this.context.workspaceState.get<string>(WORKSPACE_KEY));
    if (remembered) return { context: remembered, source: 'workspace' };
    const current = byName(info.currentContext);
    if (current) return { context: current, source: 'current-context' };
    return { source: 'none' };
  }

  private set(s: ContextState): void {
    this.current = s;
    const { text, tooltip } = statusBarText(s);
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = s.probe === 'unreachable' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
    this.changed.fire(s);
  }

  private reloadSoon(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = undefined;
      this.reload();
    }, 300);
  }

  /** Watches the kubeconfig files (they live outside the workspace). */
  private watchFiles(files: string[]): void {
    const key = files.join(path.delimiter);
    if (this.watchedKey === key) return;
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
    for (const file of files) {
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)));
      this.watchers.push(
        w,
        w.onDidChange(() => this.reloadSoon()),
        w.onDidCreate(() => this.reloadSoon()),
        w.onDidDelete(() => this.reloadSoon()),
      );
    }
    this.watchedKey = key;
  }

  dispose(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    for (const w of this.watchers) w.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
