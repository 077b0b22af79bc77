import assert from 'node:assert/strict';

/** Small typed views over parsed manifests, for asserting how a generated topology is wired. */
export type Obj = Record<string, any>;

export class Topology {
  constructor(readonly objects: Obj[]) {}

  all(kind: string): Obj[] {
    return this.objects.filter((o) => o.kind === kind);
  }

  get(kind: string, name: string, namespace: string): Obj {
    const found = this.objects.filter((o) => o.kind === kind && o.metadata?.name === name && (o.metadata?.namespace ?? 'default') === namespace);
    assert.equal(found.length, 1, `expected exactly one ${kind} ${namespace}/${name}, found ${found.length}`);
    return found[0];
  }

  /** The Deployment whose pods a Service selects; asserts one shared set of labels. */
  deploymentBehind(service: Obj): Obj {
    const ns = service.metadata.namespace ?? 'default';
    const selector: Record<string, string> = service.spec.selector;
    assert.ok(selector && Object.keys(selector).length > 0, `Service ${service.metadata.name} has a selector`);
    const matches = this.all('Deployment').filter(
      (d) => (d.metadata.namespace ?? 'default') === ns && Object.entries(selector).every(([k, v]) => d.spec.template.metadata.labels?.[k] === v),
    );
    assert.equal(matches.length, 1, `Service ${service.metadata.name} selects exactly one Deployment`);
    const d = matches[0];
    assert.deepEqual(d.spec.selector.matchLabels, d.spec.template.metadata.labels, `${d.metadata.name}: selector == pod template labels`);
    assert.deepEqual(selector, d.spec.template.metadata.labels, `${service.metadata.name}: Service selector == pod template labels`);
    return d;
  }

  /** Asserts every Service port's targetPort is a containerPort of the Deployment. */
  assertTargetPorts(service: Obj, deployment: Obj): void {
    const containerPorts = containers(deployment).flatMap((c) => (c.ports ?? []).map((p: Obj) => p.containerPort));
    for (const p of service.spec.ports) {
      assert.equal(typeof p.targetPort, 'number', 'targetPort is a number');
      assert.ok(containerPorts.includes(p.targetPort), `${service.metadata.name}: targetPort ${p.targetPort} is one of ${containerPorts.join(', ')}`);
    }
  }

  /** The Service an Ingress rule sends its (first) path to, with the port checked. */
  ingressBackend(ingress: Obj): Obj {
    const backend = ingress.spec.rules[0].http.paths[0].backend.service;
    const svc = this.get('Service', backend.name, ingress.metadata.namespace ?? 'default');
    assert.ok(
      svc.spec.ports.some((p: Obj) => p.port === backend.port.number),
      `Ingress port ${backend.port.number} is a port of Service ${backend.name}`,
    );
    return svc;
  }

  /** Resolves `name.ns.svc.cluster.local:port` (optionally inside a URL) to the Service, checking the port. */
  serviceAt(address: string): Obj {
    const m = /^(?:[a-z]+:\/\/)?([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local:(\d+)/.exec(address);
    assert.ok(m, `"${address}" is a cluster DNS address with a port`);
    const svc = this.get('Service', m[1], m[2]);
    assert.ok(
      svc.spec.ports.some((p: Obj) => p.port === Number(m[3])),
      `${m[1]} has port ${m[3]}`,
    );
    return svc;
  }

  /** The Deployment an HPA scales; asserts CPU requests and no fixed replicas. */
  hpaTarget(hpa: Obj): Obj {
    assert.equal(hpa.apiVersion, 'autoscaling/v2');
    const ref = hpa.spec.scaleTargetRef;
    assert.equal(ref.kind, 'Deployment');
    assert.equal(ref.apiVersion, 'apps/v1');
    const d = this.get('Deployment', ref.name, hpa.metadata.namespace ?? 'default');
    const metric = hpa.spec.metrics[0];
    assert.equal(metric.type, 'Resource');
    assert.equal(metric.resource.name, 'cpu');
    assert.equal(metric.resource.target.type, 'Utilization');
    assert.equal(typeof metric.resource.target.averageUtilization, 'number');
    assert.ok(hpa.spec.minReplicas <= hpa.spec.maxReplicas);
    for (const c of containers(d)) assert.ok(c.resources?.requests?.cpu, `${d.metadata.name}/${c.name} requests CPU`);
    assert.equal(d.spec.replicas, undefined, `${d.metadata.name} leaves replicas to the HPA`);
    return d;
  }

  env(deployment: Obj, name: string): string {
    for (const c of containers(deployment)) {
      const e = (c.env ?? []).find((x: Obj) => x.name === name);
      if (e) return e.value;
    }
    assert.fail(`${deployment.metadata.name} has no env ${name}`);
  }
}

export function containers(workload: Obj): Obj[] {
  const spec = workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template.spec : workload.spec.template.spec;
  return spec.containers;
}

/** Probes on every container of every Deployment, images with a version tag. */
export function assertWorkloadHygiene(t: Topology): void {
  for (const w of [...t.all('Deployment'), ...t.all('CronJob')]) {
    for (const c of containers(w)) {
      assert.match(c.image, /:[A-Za-z0-9_][A-Za-z0-9_.-]*$/, `${w.metadata.name}: image has a tag`);
      assert.doesNotMatch(c.image, /:latest$/, `${w.metadata.name}: image is not :latest`);
      assert.ok(c.resources?.requests?.cpu && c.resources?.limits?.memory, `${w.metadata.name}: requests and limits`);
      if (w.kind === 'Deployment') {
        assert.ok(c.readinessProbe, `${w.metadata.name}/${c.name}: readiness probe`);
        assert.ok(c.livenessProbe, `${w.metadata.name}/${c.name}: liveness probe`);
      }
    }
  }
}
