import * as vscode from 'vscode';
import type { ServiceForward } from '../../core/cluster/portForward';
import type { ManifestAnalysis } from '../manifestAnalysis';
import type { ClusterContextManager } from './clusterContext';
import { requireContext, requireTrust } from './clusterGate';

interface ActiveForward {
  context: string;
  namespace: string;
  service: string;
  port: number;
  forward: ServiceForward;
  close(): void;
}

export interface ServiceTarget {
  namespace: string;
  name: string;
  /** Ports as the manifests declare them (port number and optional name). */
  ports: { port: number; name?: string }[];
}

/**
 * Port-forwards to Services: pick one (from the graph or the manifests), pick its port, forward a
 * free local port on 127.0.0.1 to a ready pod behind it (the core follows the pod when it is
 * replaced), and list the active forwards in a status bar entry. All stop on deactivate.
 */
export class PortForwards implements vscode.Disposable {
  private readonly active: ActiveForward[] = [];
  private readonly item = vscode.window.createStatusBarItem('kubeTopology.portForwards', vscode.StatusBarAlignment.Left, 39);

  constructor(
    private readonly analysis: ManifestAnalysis,
    private readonly contexts: ClusterContextManager,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.item.name = 'Kube Topology Port-Forwards';
    this.item.command = 'kubeTopology.stopPortForwards';
  }

  /** The command: `target` comes from a Service node; without it, a QuickPick of the manifests' Services. */
  async start(target?: ServiceTarget): Promise<string | undefined> {
    if (!requireTrust('Port-forwarding')) return undefined;
    const ctx = requireContext(this.contexts);
    if (!ctx) return undefined;
    const service = target ?? (await this.pickService());
    if (!service) return undefined;
    const port = await pickPort(service);
    if (port === undefined) return undefined;
    const existing = this.active.find((f) => f.context === ctx.name && f.namespace === service.namespace && f.service === service.name && f.port === port);
    if (existing) {
      void this.announce(existing, true);
      return existing.forward.url;
    }
    try {
      const { forwardService } = await import('../../core/cluster/portForward');
      const live = await this.contexts.liveConnection();
      let forward: ServiceForward;
      try {
        forward = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Port-forward to ${service.name}` }, () =>
          forwardService(live.connection, { namespace: service.namespace, service: service.name, port }),
        );
      } catch (e) {
        live.close();
        throw e;
      }
      const entry: ActiveForward = { context: ctx.name, namespace: service.namespace, service: service.name, port, forward, close: () => live.close() };
      forward.onDidChangePod((pod) => this.log.info(`Port-forward ${entry.service}:${port}: ${pod ? `now to pod ${pod}` : 'no ready pod behind the Service'}`));
      forward.onDidFail((m) => this.log.warn(`Port-forward ${entry.service}:${port}: ${m}`));
      this.active.push(entry);
      this.log.info(`Port-forward ${service.namespace}/${service.name}:${port} → ${forward.url} (pod ${forward.pod ?? '?'}, context ${ctx.name})`);
      this.render();
      void this.announce(entry, false);
      return forward.url;
    } catch (e) {
      void vscode.window.showErrorMessage(`Kube Topology: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** The command: stop one, or all. */
  async stopInteractive(): Promise<void> {
    if (!this.active.length) {
      void vscode.window.showInformationMessage('Kube Topology: no port-forwards are running.');
      return;
    }
    const all = { label: '$(debug-stop) Stop all port-forwards', entry: undefined as ActiveForward | undefined };
    const items = [
      all,
      ...this.active.map((f) => ({
        label: `${f.service}:${f.port}`,
        description: `${f.forward.url} · ${f.namespace} · ${f.context}`,
        detail: f.forward.pod ? `pod ${f.forward.pod}` : 'no ready pod right now',
        entry: f,
      })),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'Active port-forwards', placeHolder: 'Pick one to stop (or stop all)' });
    if (!picked) return;
    if (picked.entry) await this.stopOne(picked.entry);
    else await this.stopAll();
  }

  /** Forwards to Services that no longer exist (torn down) only hold a port: stop them. */
  async stopForServices(context: string, services: { namespace: string; name: string }[]): Promise<void> {
    const doomed = this.active.filter((f) => f.context === context && services.some((s) => s.namespace === f.namespace && s.name === f.service));
    await Promise.all(doomed.map((f) => this.stopOne(f)));
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.active].map((f) => this.stopOne(f)));
  }

  get urls(): string[] {
    return this.active.map((f) => f.forward.url);
  }

  private async stopOne(f: ActiveForward): Promise<void> {
    const i = this.active.indexOf(f);
    if (i >= 0) this.active.splice(i, 1);
    this.render();
    try {
      await f.forward.stop();
    } finally {
      f.close();
      this.log.info(`Port-forward ${f.service}:${f.port} (${f.forward.url}) stopped`);
    }
  }

  private async announce(f: ActiveForward, already: boolean): Promise<void> {
    const choice = await vscode.window.showInformationMessage(
      `Kube Topology: ${already ? 'already forwarding' : 'forwarding'} ${f.service}:${f.port} → ${f.forward.url}`,
      'Open',
      'Copy',
    );
    if (choice === 'Open') await vscode.env.openExternal(vscode.Uri.parse(f.forward.url));
    else if (choice === 'Copy') await vscode.env.clipboard.writeText(f.forward.url);
  }

  private render(): void {
    void vscode.commands.executeCommand('setContext', 'kubeTopology.portForwardsActive', this.active.length > 0);
    if (!this.active.length) {
      this.item.hide();
      return;
    }
    this.item.text = `$(plug) ${this.active.length === 1 ? `${this.active[0].service} → ${this.active[0].forward.localPort}` : `${this.active.length} port-forwards`}`;
    this.item.tooltip = `Port-forwards (click to stop):\n${this.active.map((f) => `${f.service}:${f.port} → ${f.forward.url}`).join('\n')}`;
    this.item.show();
  }

  /** Services of the whole workspace's manifests. */
  private async pickService(): Promise<ServiceTarget | undefined> {
    const services: ServiceTarget[] = [];
    const seen = new Set<string>();
    for (const scope of this.analysis.allScopes()) {
      for (const r of scope.last?.resources ?? []) {
        if (r.kind !== 'Service' || !r.name) continue;
        const t = serviceTarget(r.object, r.name, r.namespace || this.analysis.currentConfig.defaultNamespace);
        const key = `${t.namespace}/${t.name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        services.push(t);
      }
    }
    if (!services.length) {
      void vscode.window.showInformationMessage('Kube Topology: the workspace manifests define no Service to forward to.');
      return undefined;
    }
    if (services.length === 1) return services[0];
    const picked = await vscode.window.showQuickPick(
      services.map((s) => ({ label: s.name, description: `${s.namespace} · ports ${s.ports.map((p) => p.port).join(', ') || 'none'}`, s })),
      { title: 'Port-forward to Service', placeHolder: 'Pick a Service' },
    );
    return picked?.s;
  }

  dispose(): void {
    // Deactivate: close listeners and sockets now; the promise finishes on its own.
    void this.stopAll();
    this.item.dispose();
  }
}

/** A Service's ports from its manifest object. */
export function serviceTarget(object: Record<string, unknown>, name: string, namespace: string): ServiceTarget {
  const spec = object.spec as { ports?: unknown } | undefined;
  const ports = Array.isArray(spec?.ports)
    ? (spec.ports as { port?: unknown; name?: unknown }[])
        .filter((p) => typeof p?.port === 'number')
        .map((p) => ({ port: p.port as number, name: typeof p.name === 'string' ? p.name : undefined }))
    : [];
  return { namespace, name, ports };
}

async function pickPort(s: ServiceTarget): Promise<number | undefined> {
  if (s.ports.length === 1) return s.ports[0].port;
  if (s.ports.length === 0) {
    const typed = await vscode.window.showInputBox({
      title: `Port of Service ${s.name}`,
      prompt: 'The manifest lists no ports; which Service port?',
      validateInput: (v) => (/^\d{1,5}$/.test(v) ? undefined : 'a port number'),
    });
    return typed ? Number(typed) : undefined;
  }
  const picked = await vscode.window.showQuickPick(
    s.ports.map((p) => ({ label: String(p.port), description: p.name, port: p.port })),
    { title: `Port-forward to ${s.name}: which port?` },
  );
  return picked?.port;
}
