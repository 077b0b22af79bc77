/**
 * Shared by the live-state and port-forward tests: kubectl apply from the control plane's own
 * kubectl, a waiting helper that reports the last value it saw, and the kwok pod stages.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readVersions, type ControlPlane } from './controlPlane';

/** Runs the control plane's kubectl with `input` on stdin; rejects with its stderr on failure. */
export function kubectl(cp: ControlPlane, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cp.kubectl, ['--context', cp.adminContext, ...args], { env: cp.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`kubectl ${args.join(' ')}: exit ${code}\n${err}`))));
    child.stdin.end(input ?? '');
  });
}

/**
 * Polls `probe` until it returns a value; on timeout the error names `what` and shows `describe()`
 * (e.g. the latest snapshot), so a failure says what was seen instead.
 */
export async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, describe?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${last instanceof Error ? last.message : JSON.stringify(last)}` : ''}${describe ? `\nlast seen: ${describe()}` : ''}`,
      );
    }
    await sleep(100);
  }
}

/**
 * kwok's stock pod stages (ready, complete, delete) from the kwok module the control plane was
 * built from: giving kwok any Pod Stage of our own replaces its defaults, so they go in too.
 */
export function kwokDefaultPodStages(): string[] {
  const modCache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } }).trim();
  const dir = path.join(modCache, 'sigs.k8s.io', `kwok@${readVersions().KWOK_VERSION}`, 'kustomize', 'stage', 'pod', 'fast');
  if (!fs.existsSync(dir)) throw new Error(`kwok's stock stages not found in ${dir} (run test/cluster/build.sh)`);
  return ['pod-ready.yaml', 'pod-complete.yaml', 'pod-delete.yaml'].map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
}

/** Label that makes kwok hold a pod in ImagePullBackOff (see IMAGE_PULL_BACKOFF_STAGE). */
export const FAIL_LABEL = 'kt-test/fail';

/**
 * A kwok Stage for pods labelled kt-test/fail=image-pull: Pending with an IP and every container
 * waiting in ImagePullBackOff, what a kind node shows for an image that was never loaded. Having an
 * IP keeps kwok's own pod-ready stage from matching afterwards.
 */
export const IMAGE_PULL_BACKOFF_STAGE = `apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: kt-image-pull-backoff
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.labels["${FAIL_LABEL}"]'
      operator: In
      values: ['image-pull']
    - key: '.metadata.deletionTimestamp'
      operator: DoesNotExist
    - key: '.status.podIP'
      operator: DoesNotExist
  weight: 10000
  next:
    statusTemplate: |
      {{ $now := Now }}
      conditions:
      - lastTransitionTime: {{ $now | Quote }}
        status: "False"
        reason: ContainersNotReady
        type: Ready
      containerStatuses:
      {{ range .spec.containers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: false
        restartCount: 0
        state:
          waiting:
            reason: ImagePullBackOff
            message: {{ printf "Back-off pulling image %q" .image | Quote }}
      {{ end }}
      hostIP: {{ NodeIPWith .spec.nodeName | Quote }}
      podIP: {{ PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) | Quote }}
      phase: Pending
`;
