/**
 * Small stand-in application images for kind tests, built locally with no registry: `FROM scratch`
 * plus a static busybox (Debian's busybox-static) and a few files, tagged like real images
 * (`kt-gateway:v1`, `kt-model:v1`) so manifests under test look like the real ones.
 *
 *   model    busybox httpd on :8500; GET or POST to `/` or `/cgi-bin/predict` answers MODEL_ANSWER
 *   gateway  busybox httpd on :9696; `/` and `/cgi-bin/predict` call the model at
 *            http://$TF_SERVING_HOST/ (Service DNS, default localhost:8500 like the real gateway)
 *            and answer {"gateway": ..., "model_host": ..., "model_answer": <the model's JSON>},
 *            or HTTP 502 with the error when the model cannot be reached
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runOk } from './proc';

/** The fixed JSON body the model stand-in answers with. */
export const MODEL_ANSWER = { model: 'kt-model', predictions: [[0.91, 0.09]], classes: ['dress', 'hat'] } as const;

export interface StandInImageSpec {
  /** Image reference, e.g. `kt-gateway:v1`. */
  tag: string;
  /** Files to add, by absolute path in the image; `mode` defaults to 0o644 (0o755 under /www/cgi-bin). */
  files?: Record<string, string | { content: string; mode?: number }>;
  /** ENTRYPOINT; `busybox` is at /bin/busybox (no applet links: call `/bin/busybox <applet>`). */
  entrypoint: string[];
  env?: Record<string, string>;
  expose?: number[];
  /** Busybox applets to link in /bin (`sh`, `wget` …), for images run by scripts that call them by name. */
  links?: string[];
}

/** A static busybox: KUBE_TOPOLOGY_BUSYBOX, else /bin/busybox or /usr/bin/busybox. */
export function staticBusybox(): string {
  const candidates = [process.env.KUBE_TOPOLOGY_BUSYBOX, '/bin/busybox', '/usr/bin/busybox'].filter((p): p is string => !!p);
  for (const p of candidates) {
    if (fs.existsSync(p) && isStaticElf(p)) return p;
  }
  throw new Error(
    `no static busybox found (tried ${candidates.join(', ')}); install Debian's busybox-static ` +
      '(test/kind/setup-host.sh does) or set KUBE_TOPOLOGY_BUSYBOX',
  );
}

/** True for an ELF executable with no PT_INTERP program header (no dynamic loader needed). */
function isStaticElf(file: string): boolean {
  const b = fs.readFileSync(file);
  if (b.length < 64 || b.readUInt32BE(0) !== 0x7f454c46) return false;
  const is64 = b[4] === 2;
  const le = b[5] === 1;
  const u16 = (o: number): number => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const phoff = is64 ? Number(le ? b.readBigUInt64LE(0x20) : b.readBigUInt64BE(0x20)) : u32(0x1c);
  const phentsize = u16(is64 ? 0x36 : 0x2a);
  const phnum = u16(is64 ? 0x38 : 0x2c);
  for (let i = 0; i < phnum; i++) {
    if (u32(phoff + i * phentsize) === 3 /* PT_INTERP */) return false;
  }
  return true;
}

/** Builds one stand-in image into the local docker; resolves with its tag. */
export async function buildStandInImage(spec: StandInImageSpec): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-standin-'));
  try {
    const root = path.join(dir, 'rootfs');
    fs.mkdirSync(path.join(root, 'bin'), { recursive: true });
    fs.mkdirSync(path.join(root, 'tmp'), { mode: 0o1777 });
    fs.chmodSync(path.join(root, 'tmp'), 0o1777);
    fs.copyFileSync(staticBusybox(), path.join(root, 'bin', 'busybox'));
    fs.chmodSync(path.join(root, 'bin', 'busybox'), 0o755);
    for (const applet of spec.links ?? []) fs.symlinkSync('busybox', path.join(root, 'bin', applet));
    for (const [file, v] of Object.entries(spec.files ?? {})) {
      if (!file.startsWith('/')) throw new Error(`stand-in file path must be absolute: ${file}`);
      const { content, mode } = typeof v === 'string' ? { content: v, mode: undefined } : v;
      const target = path.join(root, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
      fs.chmodSync(target, mode ?? (file.includes('/cgi-bin/') ? 0o755 : 0o644));
    }
    const lines = ['FROM scratch', 'COPY rootfs/ /', 'ENV PATH=/bin'];
    for (const [k, v] of Object.entries(spec.env ?? {})) lines.push(`ENV ${k}=${JSON.stringify(v)}`);
    for (const p of spec.expose ?? []) lines.push(`EXPOSE ${p}`);
    lines.push('LABEL kube-topology.stand-in=true', `ENTRYPOINT ${JSON.stringify(spec.entrypoint)}`, '');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), lines.join('\n'));
    await runOk('docker', ['build', '-q', '-t', spec.tag, dir], {
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
      timeoutMs: 180_000,
    });
    return spec.tag;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface GatewayAndModelImages {
  gateway: string;
  model: string;
}

const cgi = (body: string): string => `#!/bin/busybox sh\n${body}`;

const MODEL_CGI = cgi(`printf 'Content-Type: application/json\\r\\n\\r\\n'
/bin/busybox cat /answer.json
`);

const GATEWAY_CGI = cgi(`# gateway stand-in: asks the model at $TF_SERVING_HOST and returns its answer
# (not wget -T: busybox 1.35's static wget segfaults with it)
if answer=$(/bin/busybox timeout 10 /bin/busybox wget -q -O - "http://$TF_SERVING_HOST/" 2>&1); then
  printf 'Content-Type: application/json\\r\\n\\r\\n'
  printf '{"gateway":"kt-gateway","model_host":"%s","model_answer":%s}\\n' "$TF_SERVING_HOST" "$answer"
else
  printf 'HTTP/1.0 502 Bad Gateway\\r\\nContent-Type: text/plain\\r\\n\\r\\n'
  printf 'model unreachable at %s: %s\\n' "$TF_SERVING_HOST" "$answer"
fi
`);

/**
 * Builds the gateway and model stand-ins (default tags `kt-gateway:v1`, `kt-model:v1`). Both are
 * cached by docker's layer cache, so a rebuild takes about a second.
 */
export async function buildGatewayAndModelImages(tags: { gateway?: string; model?: string } = {}): Promise<GatewayAndModelImages> {
  const model = await buildStandInImage({
    tag: tags.model ?? 'kt-model:v1',
    files: {
      '/answer.json': JSON.stringify(MODEL_ANSWER) + '\n',
      // CGI for `/` too (busybox httpd answers POST to a static file with 501)
      '/www/cgi-bin/index.cgi': MODEL_CGI,
      '/www/cgi-bin/predict': MODEL_CGI,
    },
    entrypoint: ['/bin/busybox', 'httpd', '-f', '-v', '-p', '8500', '-h', '/www'],
    expose: [8500],
  });
  const gateway = await buildStandInImage({
    tag: tags.gateway ?? 'kt-gateway:v1',
    files: {
      '/www/cgi-bin/index.cgi': GATEWAY_CGI,
      '/www/cgi-bin/predict': GATEWAY_CGI,
    },
    entrypoint: ['/bin/busybox', 'httpd', '-f', '-v', '-p', '9696', '-h', '/www'],
    env: { TF_SERVING_HOST: 'localhost:8500' },
    expose: [9696],
  });
  return { gateway, model };
}
