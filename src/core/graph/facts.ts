import type { Resource } from '../parse/manifestParser';
import { asArray, asRecord, containersOf, getPath, podTemplateOf, stringMap } from '../model/kinds';
import type { NodeFacts } from './types';

/**
 * The facts a card and its hover show for one resource. Reads names, numbers and shapes only:
 * for a Secret it lists key names and the type, never a value (not even a length).
 */
export function factsOf(r: Resource): NodeFacts {
  switch (r.kind) {
    case 'Service':
      return serviceFacts(r);
    case 'Ingress':
      return ingressFacts(r);
    case 'HorizontalPodAutoscaler':
      return hpaFacts(r);
    case 'ConfigMap':
      return compact({ keys: keysOf(r, ['data', 'binaryData']) });
    case 'Secret':
      return compact({
        keys: keysOf(r, ['data', 'stringData']),
        secretType: typeof r.object.type === 'string' ? r.object.type : 'Opaque',
      });
    default:
      return workloadFacts(r);
  }
}

function workloadFacts(r: Resource): NodeFacts {
  const t = podTemplateOf(r);
  if (!t) return {};
  const containers = containersOf(t);
  const images: string[] = [];
  const ports: string[] = [];
  const resources: string[] = [];
  for (const c of containers) {
    if (typeof c.container.image === 'string') images.push(c.container.image);
    for (const p of asArray(c.container.ports)) {
      const rec = asRecord(p);
      if (!rec || rec.containerPort === undefined) continue;
      const name = typeof rec.name === 'string' ? ` (${rec.name})` : '';
      ports.push(`${scalarText(rec.containerPort)}/${typeof rec.protocol === 'string' ? rec.protocol : 'TCP'}${name}`);
    }
    const summary = resourceSummary(asRecord(c.container.resources));
    if (summary) resources.push(containers.length > 1 ? `${c.name}: ${summary}` : summary);
  }
  const replicas = getPath(r.object, ['spec', 'replicas']);
  const selector = asRecord(getPath(r.object, ['spec', 'selector']));
  const matchLabels = r.kind === 'Pod' ? {} : stringMap(selector?.matchLabels ?? (r.kind === 'ReplicationController' ? selector : undefined));
  const schedule = getPath(r.object, ['spec', 'schedule']);
  return compact({
    images,
    ports,
    replicas: typeof replicas === 'number' ? replicas : undefined,
    selector: labelsText(matchLabels),
    schedule: typeof schedule === 'string' ? schedule : undefined,
    resources,
  });
}

/** "requests cpu 100m, memory 128Mi; limits cpu 500m" or "no requests; limits …" (what the HPA needs to know). */
function resourceSummary(res: Record<string, unknown> | undefined): string | undefined {
  if (!res) return undefined;
  const part = (key: string): string | undefined => {
    const m = stringMap(res[key]);
    const entries = Object.entries(m);
    return entries.length ? entries.map(([k, v]) => `${k} ${v}`).join(', ') : undefined;
  };
  const requests = part('requests');
  const limits = part('limits');
  if (!requests && !limits) return undefined;
  return `${requests ? `requests ${requests}` : 'no requests'}; ${limits ? `limits ${limits}` : 'no limits'}`;
}

function serviceFacts(r: Resource): NodeFacts {
  const type = typeof getPath(r.object, ['spec', 'type']) === 'string' ? (getPath(r.object, ['spec', 'type']) as string) : 'ClusterIP';
  const ports: string[] = [];
  for (const p of asArray(getPath(r.object, ['spec', 'ports']))) {
    const rec = asRecord(p);
    if (!rec) continue;
    const port = rec.port === undefined ? '?' : scalarText(rec.port);
    const target = rec.targetPort === undefined || rec.targetPort === null || rec.targetPort === '' ? port : scalarText(rec.targetPort);
    const proto = typeof rec.protocol === 'string' ? rec.protocol : 'TCP';
    const node = rec.nodePort !== undefined ? `, node port ${scalarText(rec.nodePort)}` : '';
    const name = typeof rec.name === 'string' ? ` (${rec.name})` : '';
    ports.push(`${port} → ${target}/${proto}${node}${name}`);
  }
  const external = getPath(r.object, ['spec', 'externalName']);
  return compact({
    serviceType: type,
    ports,
    selector: labelsText(stringMap(getPath(r.object, ['spec', 'selector']))),
    routes: typeof external === 'string' ? [external] : undefined,
  });
}

function ingressFacts(r: Resource): NodeFacts {
  const routes: string[] = [];
  const spec = asRecord(r.object.spec);
  const backendText = (b: unknown): string => {
    const rec = asRecord(b);
    const svc = asRecord(rec?.service);
    if (svc) {
      const port = asRecord(svc.port);
      const p = port?.number ?? port?.name;
      return `${scalarText(svc.name ?? '?')}${p !== undefined ? `:${scalarText(p)}` : ''}`;
    }
    if (rec && rec.serviceName !== undefined) return `${scalarText(rec.serviceName)}${rec.servicePort !== undefined ? `:${scalarText(rec.servicePort)}` : ''}`;
    return '?';
  };
  const def = spec?.defaultBackend ?? spec?.backend;
  if (def) routes.push(`default → ${backendText(def)}`);
  for (const rule of asArray(spec?.rules)) {
    const rr = asRecord(rule);
    const host = typeof rr?.host === 'string' ? rr.host : '*';
    for (const p of asArray(getPath(rr, ['http', 'paths']))) {
      const pr = asRecord(p);
      routes.push(`${host}${typeof pr?.path === 'string' ? pr.path : '/'} → ${backendText(pr?.backend)}`);
    }
  }
  const cls = spec?.ingressClassName ?? getPath(r.object, ['metadata', 'annotations', 'kubernetes.io/ingress.class']);
  return compact({ routes, ingressClass: typeof cls === 'string' ? cls : undefined });
}

function hpaFacts(r: Resource): NodeFacts {
  const spec = asRecord(r.object.spec);
  const min = spec?.minReplicas;
  const max = spec?.maxReplicas;
  const ref = asRecord(spec?.scaleTargetRef);
  return compact({
    minReplicas: typeof min === 'number' ? min : 1,
    maxReplicas: typeof max === 'number' ? max : undefined,
    metrics: hpaMetricTexts(r),
    scaleTarget: ref ? `${scalarText(ref.kind ?? '?')} ${scalarText(ref.name ?? '?')}` : undefined,
  });
}

/** "50% CPU", "200Mi memory per pod", "80% CPU (default)". */
export function hpaMetricTexts(r: Resource): string[] {
  const spec = asRecord(r.object.spec);
  if (!spec) return [];
  if (r.apiVersion === 'autoscaling/v1') {
    const pct = spec.targetCPUUtilizationPercentage;
    return [typeof pct === 'number' ? `${pct}% CPU` : '80% CPU (default)'];
  }
  const metrics = asArray(spec.metrics);
  if (!metrics.length) return ['80% CPU (default)'];
  const out: string[] = [];
  for (const m of metrics) {
    const rec = asRecord(m);
    if (!rec) continue;
    const body = asRecord(rec.resource ?? rec.containerResource);
    if (body && typeof body.name === 'string') {
      const what = body.name === 'cpu' ? 'CPU' : body.name;
      const target = asRecord(body.target);
      const pct = target?.averageUtilization ?? body.targetAverageUtilization;
      const avg = target?.averageValue ?? body.targetAverageValue;
      const val = target?.value;
      if (typeof pct === 'number') out.push(`${pct}% ${what}`);
      else if (avg !== undefined) out.push(`${scalarText(avg)} ${what} per pod`);
      else if (val !== undefined) out.push(`${scalarText(val)} ${what}`);
      else out.push(what);
      continue;
    }
    if (typeof rec.type === 'string') out.push(`${rec.type} metric`);
  }
  return out;
}

function keysOf(r: Resource, fields: string[]): string[] {
  const keys = new Set<string>();
  for (const f of fields) {
    const rec = asRecord(r.object[f]);
    if (rec) for (const k of Object.keys(rec)) keys.add(k);
  }
  return [...keys].sort();
}

export function labelsText(labels: Record<string, string>): string | undefined {
  const entries = Object.entries(labels);
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(', ') : undefined;
}

/** Drops empty lists and undefined fields so the JSON stays short. */
function compact(f: NodeFacts): NodeFacts {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out;
}

/** A manifest value as card text: scalars as written, anything structured as "?" (never "[object Object]"). */
function scalarText(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? String(v) : '?';
}
