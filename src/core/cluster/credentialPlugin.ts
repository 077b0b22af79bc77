/**
 * Exec credential plugins (`users[].user.exec` of a kubeconfig), run the way kubectl runs them but
 * bounded: the plugin gets a deadline and is killed with its whole process group when it passes
 * it; at most 1 MiB of output is read; its standard output (the credential) is never quoted in a
 * message, whatever it holds. The plugin's name and the time it was given are in every message.
 *
 * client-node's own ExecAuth has none of these bounds and puts the plugin's output into JSON
 * parse errors, so the kubeconfig handed to client-node never contains `exec`; this runner feeds
 * the credential to it instead (clusterClient.ts).
 */
import { spawn } from 'node:child_process';
import { asObject, asString, stringAt } from './serverObject';
import { KiB, MiB } from './boundedIo';
import { Redactor } from './redaction';

const MAX_STDOUT = MiB;
const MAX_STDERR_KEPT = 4 * KiB;
/** Refresh a little before the credential says it expires. */
const EXPIRY_MARGIN_MS = 10_000;

export interface ExecConfig {
  command: string;
  args: string[];
  env: Array<{ name: string; value: string }>;
  apiVersion: string;
  installHint?: string;
  provideClusterInfo: boolean;
}

export interface ExecCredential {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  /** ms since the epoch; undefined: valid for the life of the process. */
  expiresAt?: number;
}

export class CredentialPluginError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialPluginError';
  }
}

/** Reads `user.exec` as written in a kubeconfig; a clear error for what cannot be run. */
export function parseExecConfig(exec: unknown, user: string): ExecConfig {
  const o = asObject(exec);
  const command = asString(o?.command);
  if (!o || !command) throw new CredentialPluginError(`user "${user}" has an exec credential plugin without a command`);
  const args = Array.isArray(o.args) ? o.args.filter((a): a is string => typeof a === 'string') : [];
  const env = (Array.isArray(o.env) ? o.env : [])
    .map((e) => ({ name: stringAt(e, 'name') ?? '', value: stringAt(e, 'value') ?? '' }))
    .filter((e) => e.name !== '');
  return {
    command,
    args,
    env,
    apiVersion: asString(o.apiVersion) ?? 'client.authentication.k8s.io/v1',
    installHint: asString(o.installHint),
    provideClusterInfo: o.provideClusterInfo === true,
  };
}

/** What KUBERNETES_EXEC_INFO tells the plugin about the cluster (only with provideClusterInfo). */
export interface ClusterInfoForPlugin {
  server: string;
  certificateAuthorityData?: string;
  insecureSkipTlsVerify?: boolean;
}

/**
 * One plugin of one user: runs it when there is no valid credential, shares a run between callers
 * that ask at the same time, keeps the credential until it expires, and kills a run that is still
 * going when its deadline passes or the connection closes.
 */
export class CredentialPlugin {
  private credential: ExecCredential | undefined;
  private running: Promise<ExecCredential> | undefined;
  private readonly children = new Set<number>();
  /** Credentials the plugin handed out, plus its env values: never to be shown. */
  readonly secrets = new Redactor();
  /** Bumped whenever a new credential replaces the old (a client certificate changes the TLS set-up). */
  generation = 0;

  constructor(
    readonly config: ExecConfig,
    private readonly user: string,
    private readonly cluster?: ClusterInfoForPlugin,
  ) {
    this.secrets.add(...config.env.map((e) => e.value));
  }

  /** The plugin as messages name it: `"aws" (user "dev")`. */
  get label(): string {
    return `"${this.config.command}" (user "${this.user}")`;
  }

  /** A valid credential, running the plugin if needed; rejects with a CredentialPluginError that says what happened. */
  get(timeoutMs: number): Promise<ExecCredential> {
    const c = this.credential;
    if (c && (c.expiresAt === undefined || c.expiresAt - EXPIRY_MARGIN_MS > Date.now())) return Promise.resolve(c);
    this.running ??= this.run(timeoutMs).finally(() => (this.running = undefined));
    return this.running;
  }

  /** The last credential, if still valid, without running anything. */
  cached(): ExecCredential | undefined {
    const c = this.credential;
    return c && (c.expiresAt === undefined || c.expiresAt > Date.now()) ? c : undefined;
  }

  /** Kills runs still going (the connection is closing). */
  dispose(): void {
    for (const pid of this.children) killGroup(pid);
    this.children.clear();
  }

  private run(timeoutMs: number): Promise<ExecCredential> {
    const cfg = this.config;
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const e of cfg.env) env[e.name] = e.value;
    env.KUBERNETES_EXEC_INFO = JSON.stringify({
      apiVersion: cfg.apiVersion,
      kind: 'ExecCredential',
      spec: {
        interactive: false,
        ...(cfg.provideClusterInfo && this.cluster
          ? {
              cluster: {
                server: this.cluster.server,
                ...(this.cluster.certificateAuthorityData ? { 'certificate-authority-data': this.cluster.certificateAuthorityData } : {}),
                ...(this.cluster.insecureSkipTlsVerify ? { 'insecure-skip-tls-verify': true } : {}),
              },
            }
          : {}),
      },
    });
    const seconds = formatSeconds(timeoutMs);
    return new Promise<ExecCredential>((resolve, reject) => {
      let settled = false;
      const fail = (message: string) => finish(() => reject(new CredentialPluginError(this.secrets.scrub(message))));
      const finish = (f: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (child.pid !== undefined) {
          killGroup(child.pid);
          this.children.delete(child.pid);
        }
        child.stdout?.destroy();
        child.stderr?.destroy();
        f();
      };
      // Its own process group, so a deadline kills what the plugin started too (a shell script's
      // children would otherwise hold the pipes open and keep this process alive).
      const child = spawn(cfg.command, cfg.args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      if (child.pid !== undefined) this.children.add(child.pid);
      const stdout: Buffer[] = [];
      let stdoutBytes = 0;
      let stderr = '';
      const timer = setTimeout(
        () => fail(`the credential plugin ${this.label} did not finish in ${seconds}; it was stopped and the server was not contacted`),
        timeoutMs,
      );
      child.stdout.on('data', (d: Buffer) => {
        stdoutBytes += d.length;
        if (stdoutBytes > MAX_STDOUT) fail(`the credential plugin ${this.label} printed more than 1 MiB; it was stopped`);
        else stdout.push(d);
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr = (stderr + d).slice(-MAX_STDERR_KEPT);
      });
      child.on('error', (e: NodeJS.ErrnoException) => {
        const why =
          e.code === 'ENOENT' ? 'was not found' : e.code === 'EACCES' ? 'cannot be run (permission denied)' : `cannot be run (${e.code ?? e.message})`;
        fail(`the credential plugin ${this.label} ${why}${cfg.installHint ? `. ${oneLine(cfg.installHint)}` : ''}`);
      });
      child.on('close', (code, signal) => {
        if (settled) return;
        if (code !== 0) {
          // Its standard error is its message to the user (kubectl shows it too); its standard
          // output is the credential channel and is never shown.
          const last = lastLine(stderr);
          fail(`the credential plugin ${this.label} failed (${signal ? `signal ${signal}` : `exit code ${code}`})${last ? `: ${last}` : ''}`);
          return;
        }
        const text = Buffer.concat(stdout).toString('utf8');
        let parsed: ExecCredential;
        try {
          parsed = this.parse(text);
        } catch (e) {
          fail((e as Error).message);
          return;
        }
        finish(() => {
          this.credential = parsed;
          this.generation++;
          resolve(parsed);
        });
      });
    });
  }

  private parse(text: string): ExecCredential {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      // Never the parser's message: it quotes the input, which may be a bare token.
      throw new Error(
        `the credential plugin ${this.label} printed ${Buffer.byteLength(text)} bytes that are not an ExecCredential JSON object (not shown: they may hold a credential)`,
      );
    }
    const kind = stringAt(doc, 'kind');
    const status = asObject(asObject(doc)?.status);
    if (kind !== 'ExecCredential' || !status) throw new Error(`the credential plugin ${this.label} printed JSON that is not an ExecCredential with a status`);
    const token = asString(status.token);
    const cert = asString(status.clientCertificateData);
    const key = asString(status.clientKeyData);
    this.secrets.add(token, key);
    if (!token && !(cert && key)) throw new Error(`the credential plugin ${this.label} returned neither a token nor a client certificate and key`);
    const expiry = asString(status.expirationTimestamp);
    const expiresAt = expiry ? Date.parse(expiry) : undefined;
    if (expiry && Number.isNaN(expiresAt)) throw new Error(`the credential plugin ${this.label} returned an expirationTimestamp that is not a time`);
    return { token, clientCertificateData: cert, clientKeyData: key, expiresAt };
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

function lastLine(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const last = lines[lines.length - 1] ?? '';
  return last.length > 300 ? `${last.slice(0, 300)}…` : last;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
