import * as vscode from 'vscode';
import { WorkspaceIndex, type AnalysisResult, type UnitSettings } from '../core/index/workspaceIndex';
import { DEFAULT_LIMITS } from '../core/parse/manifestParser';
import { PROJECT_CONFIG_FILE } from '../core/index/applyUnits';
import { parseProjectConfig, readUnitDeclarations, resolveDeclarations, type ProjectConfig } from '../core/index/projectConfig';
import { pathKey } from '../core/index/unitPaths';
import { analysisOptions, readConfig, resourceSetting, type Config } from './config';
import { SETTINGS_SECTION } from './settingsTable';

/** Languages whose documents may hold manifests. */
const MANIFEST_LANGUAGES = new Set(['yaml', 'json', 'jsonc', 'helm']);
/** Manifests, and kustomize's extension-less `Kustomization` file (apply units read it). */
const MANIFEST_GLOB = '**/{*.yaml,*.yml,*.json,Kustomization}';

/**
 * Cheap test of a text for a Kubernetes object (a top-level `apiVersion:` or `kind:` key, or the
 * JSON forms), without parsing: until one is open the workspace is not indexed at all.
 */
export function mayHoldManifest(text: string): boolean {
  return /^(?:apiVersion|kind)\s*:|"(?:apiVersion|kind)"\s*:/m.test(text);
}

export function isManifestDocument(doc: vscode.TextDocument): boolean {
  return (
    MANIFEST_LANGUAGES.has(doc.languageId) &&
    (doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled' || doc.uri.scheme === 'vscode-remote' || doc.uri.scheme === 'vscode-userdata')
  );
}

/** One analysis scope: a workspace folder (cross-resource checks see all its files), or the loose open files. */
export interface AnalysisScope {
  key: string;
  folder?: vscode.WorkspaceFolder;
  index: WorkspaceIndex;
  last?: AnalysisResult;
}

/**
 * Keeps one incremental index per workspace folder in step with the editor: open documents
 * (their unsaved text), files on disk, and settings. Every change is debounced, then the scope
 * is re-analysed (cached per YAML document, so cheap) and listeners get the new result.
 */
export class ManifestAnalysis implements vscode.Disposable {
  private readonly scopes = new Map<string, AnalysisScope>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly emitter = new vscode.EventEmitter<AnalysisScope>();
  private readonly disposables: vscode.Disposable[] = [];
  private config: Config = readConfig();
  /** The first full load of every folder; undefined until a manifest is open or a command asks. */
  private loading: Promise<void> | undefined;

  private readonly resetEmitter = new vscode.EventEmitter<void>();
  private readonly startEmitter = new vscode.EventEmitter<void>();
  /** Fired once, when the workspace starts being indexed (see start()). */
  readonly onDidStart = this.startEmitter.event;
  readonly onDidAnalyze = this.emitter.event;
  /** Fired when every scope was rebuilt (settings or folders changed): earlier results are void. */
  readonly onDidReset = this.resetEmitter.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      this.emitter,
      this.resetEmitter,
      this.startEmitter,
      vscode.workspace.onDidOpenTextDocument((d) => this.updateDocument(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.updateDocument(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.loading && this.onClose(d)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.loading && void this.reloadAll()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (this.loading && (e.affectsConfiguration(SETTINGS_SECTION) || e.affectsConfiguration('yaml.schemas'))) void this.reloadAll();
      }),
    );
    const watcher = vscode.workspace.createFileSystemWatcher(MANIFEST_GLOB);
    // The project's unit declarations: a change re-plans every unit.
    const unitsWatcher = vscode.workspace.createFileSystemWatcher(`**/${PROJECT_CONFIG_FILE}`);
    this.disposables.push(
      watcher,
      watcher.onDidCreate((u) => this.loading && void this.updateFromDisk(u)),
      watcher.onDidChange((u) => this.loading && void this.updateFromDisk(u)),
      watcher.onDidDelete((u) => this.loading && this.removeFile(u)),
      unitsWatcher,
      unitsWatcher.onDidCreate(() => this.loading && void this.reloadAll()),
      unitsWatcher.onDidChange(() => this.loading && void this.reloadAll()),
      unitsWatcher.onDidDelete(() => this.loading && void this.reloadAll()),
    );
    // A repository's CI and compose YAML alone cost nothing: the workspace is indexed once a
    // Kubernetes manifest is open (or a command needs the analysis), not on activation.
    if (vscode.workspace.textDocuments.some((d) => isManifestDocument(d) && mayHoldManifest(d.getText()))) void this.start();
  }

  /** Indexes the workspace the first time it is called; resolves when that first pass is analysed. */
  start(): Promise<void> {
    if (!this.loading) {
      this.loading = this.reloadAll();
      this.startEmitter.fire();
    }
    return this.loading;
  }

  /** Whether the workspace has been indexed (or is being indexed). */
  get started(): boolean {
    return this.loading !== undefined;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }

  get currentConfig(): Config {
    return this.config;
  }

  /** Re-reads every file and settings and analyses again (the graph's Refresh, a manual re-check). */
  refresh(): Promise<void> {
    if (!this.loading) return this.start();
    return this.reloadAll();
  }

  allScopes(): AnalysisScope[] {
    return [...this.scopes.values()];
  }

  scopeFor(uri: vscode.Uri): AnalysisScope {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const key = folder ? folder.uri.toString() : 'loose';
    let scope = this.scopes.get(key);
    if (!scope) {
      scope = { key, folder, index: this.newIndex() };
      this.scopes.set(key, scope);
    }
    return scope;
  }

  /** The latest analysis of the scope holding this file (analysing now if it is stale). */
  analysisFor(uri: vscode.Uri): AnalysisResult {
    const scope = this.scopeFor(uri);
    if (!scope.last || this.timers.has(scope.key)) this.flush(scope);
    return scope.last as AnalysisResult;
  }

  private newIndex(): WorkspaceIndex {
    return new WorkspaceIndex(analysisOptions(this.config), { ...DEFAULT_LIMITS, maxFileBytes: this.config.maxFileSizeKB * 1024 });
  }

  private async reloadAll(): Promise<void> {
    this.config = readConfig();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.scopes.clear();
    const started = Date.now();
    let files = 0;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const scope = this.scopeFor(folder.uri);
      scope.index.setUnitSettings(await this.unitSettings(folder));
      const exclude = this.config.exclude.length ? `{${this.config.exclude.join(',')}}` : undefined;
      const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, MANIFEST_GLOB), exclude, this.config.maxWorkspaceFiles);
      if (uris.length >= this.config.maxWorkspaceFiles) {
        this.log.warn(
          `${folder.name}: more than ${this.config.maxWorkspaceFiles} YAML/JSON files; only the first ${this.config.maxWorkspaceFiles} take part in cross-resource checks (setting kubeTopology.maxWorkspaceFiles).`,
        );
      }
      const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
      // Read in batches so a large workspace never blocks the extension host for long.
      for (let i = 0; i < uris.length; i += 50) {
        await Promise.all(
          uris.slice(i, i + 50).map(async (uri) => {
            const doc = open.get(uri.toString());
            const text = doc ? doc.getText() : await readText(uri);
            if (text !== undefined) scope.index.setFile(uri.toString(), text);
          }),
        );
        files += Math.min(50, uris.length - i);
        await new Promise((r) => setImmediate(r));
      }
    }
    for (const doc of vscode.workspace.textDocuments) if (isManifestDocument(doc)) this.scopeFor(doc.uri).index.setFile(doc.uri.toString(), doc.getText());
    this.resetEmitter.fire();
    for (const scope of this.scopes.values()) this.flush(scope);
    this.log.info(`Indexed ${files} files in ${Date.now() - started} ms (Kubernetes ${this.config.kubernetesVersion}).`);
  }

  /**
   * The folder's apply units: the setting `kubeTopology.units` when it is set, else
   * `.kube-topology.yaml` at the folder's root (the file the CLI reads too). Paths are relative to
   * the folder. What cannot be read is logged and left out.
   */
  private async unitSettings(folder: vscode.WorkspaceFolder): Promise<UnitSettings> {
    const root = pathKey(folder.uri.toString());
    const setting = resourceSetting('units', folder.uri);
    let config: ProjectConfig;
    let source: string;
    if (Array.isArray(setting) && setting.length) {
      config = readUnitDeclarations(setting);
      source = 'setting kubeTopology.units';
    } else {
      const text = await readText(vscode.Uri.joinPath(folder.uri, PROJECT_CONFIG_FILE));
      if (text === undefined) return { root };
      config = parseProjectConfig(text);
      source = PROJECT_CONFIG_FILE;
    }
    for (const p of config.problems) this.log.warn(`${folder.name}: ${source}: ${p}`);
    return { declared: resolveDeclarations(config.units, root), root };
  }

  private updateDocument(doc: vscode.TextDocument): void {
    if (!isManifestDocument(doc)) return;
    if (!this.loading) {
      // The first manifest opened (or typed into a new file) starts the indexing, which reads it too.
      if (mayHoldManifest(doc.getText())) void this.start();
      return;
    }
    const scope = this.scopeFor(doc.uri);
    scope.index.setFile(doc.uri.toString(), doc.getText());
    this.schedule(scope);
  }

  private onClose(doc: vscode.TextDocument): void {
    if (!isManifestDocument(doc)) return;
    // Untitled and loose files leave the analysis when closed; workspace files fall back to disk.
    if (doc.uri.scheme === 'untitled' || !vscode.workspace.getWorkspaceFolder(doc.uri)) this.removeFile(doc.uri);
    else void this.updateFromDisk(doc.uri);
  }

  private async updateFromDisk(uri: vscode.Uri): Promise<void> {
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString() && d.isDirty)) return;
    const text = await readText(uri);
    if (text === undefined) return this.removeFile(uri);
    const scope = this.scopeFor(uri);
    scope.index.setFile(uri.toString(), text);
    this.schedule(scope);
  }

  private removeFile(uri: vscode.Uri): void {
    const scope = this.scopeFor(uri);
    if (scope.index.removeFile(uri.toString())) this.schedule(scope);
  }

  private schedule(scope: AnalysisScope): void {
    const prev = this.timers.get(scope.key);
    if (prev) clearTimeout(prev);
    this.timers.set(
      scope.key,
      setTimeout(() => this.flush(scope), this.config.debounceMs),
    );
  }

  private flush(scope: AnalysisScope): void {
    const t = this.timers.get(scope.key);
    if (t) clearTimeout(t);
    this.timers.delete(scope.key);
    try {
      scope.last = scope.index.analyze();
    } catch (e) {
      this.log.error(`Analysis failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return;
    }
    this.emitter.fire(scope);
  }
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}
