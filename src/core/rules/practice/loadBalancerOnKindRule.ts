import { asArray, asRecord, getPath } from '../../model/kinds';
import type { ResourceCheck, RuleMeta, Rule } from '../types';
import { isBuiltin } from '../server/builtinKinds';

const META: RuleMeta[] = [
  {
    code: 'loadbalancer-pending-on-kind',
    family: 'kind',
    severity: 'info',
    title: 'LoadBalancer Service: on kind its EXTERNAL-IP stays <pending> without cloud-provider-kind',
  },
];

/**
 * kind has no cloud controller, so nothing assigns a LoadBalancer address. The Service still works
 * (it is a NodePort and ClusterIP Service too); only the external address never arrives.
 */
const check: ResourceCheck = (ctx) => {
  const r = ctx.resource;
  if (!isBuiltin(r, 'Service') || getPath(r.object, ['spec', 'type']) !== 'LoadBalancer') return;
  const first = asRecord(asArray(getPath(r.object, ['spec', 'ports']))[0]);
  const port = typeof first?.port === 'number' ? first.port : 80;
  const local = port === 80 ? 8080 : port;
  const name = r.name ?? '<service>';
  ctx.report(
    'loadbalancer-pending-on-kind',
    `On kind, EXTERNAL-IP of this LoadBalancer Service stays <pending>: there is no cloud load balancer unless cloud-provider-kind is running. ` +
      `The Service still works inside the cluster. To call it from your machine use \`kubectl port-forward service/${name} ${local}:${port}\` ` +
      '(or Kube Topology: Port-forward), or make it a NodePort Service and map that port with extraPortMappings in the kind cluster config. ' +
      'On a cloud cluster (EKS, GKE, AKS) LoadBalancer is the right type.',
    ctx.range(['spec', 'type'], 'value'),
  );
};

export const loadBalancerOnKindRule: Rule = { scope: 'resource', meta: META, check };
