import type { ResourceCheck, RuleMeta, Rule } from '../types';
import { portFieldsOf, type PortRole } from './portFields';

const META: RuleMeta[] = [
  { code: 'port-out-of-range', family: 'server', severity: 'error', title: 'Port number outside 1–65535 (or 0 where a port is required)' },
  { code: 'node-port-out-of-range', family: 'server', severity: 'warning', title: 'nodePort outside the default NodePort range 30000–32767' },
];

export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

/** Roles where 0 means "not set" (the server leaves it out or fills it in). */
const ZERO_MEANS_UNSET = new Set<PortRole>(['hostPort', 'targetPort', 'nodePort', 'backendPort']);

const FIELD_NAME: Record<PortRole, string> = {
  containerPort: 'containerPort',
  hostPort: 'hostPort',
  servicePort: 'port',
  targetPort: 'targetPort',
  nodePort: 'nodePort',
  probePort: 'probe port',
  backendPort: 'backend port number',
};

const check: ResourceCheck = (ctx) => {
  for (const f of portFieldsOf(ctx.resource)) {
    if (typeof f.value !== 'number' || !Number.isInteger(f.value)) continue; // names and type errors are elsewhere
    const n = f.value;
    const field = FIELD_NAME[f.role];
    if (n === 0 && ZERO_MEANS_UNSET.has(f.role)) continue;
    if (n < 1 || n > 65535) {
      const zero = n === 0 ? ' (0 is not a port: use the port your application listens on)' : '';
      ctx.report(
        'port-out-of-range',
        `${field} ${n} in ${f.where} is not a valid port number; ports are 1–65535${zero}. The API server rejects it.`,
        ctx.range(f.path, 'value'),
      );
      continue;
    }
    if (f.role === 'nodePort' && (n < NODE_PORT_MIN || n > NODE_PORT_MAX)) {
      ctx.report(
        'node-port-out-of-range',
        `nodePort ${n} is outside the default NodePort range ${NODE_PORT_MIN}–${NODE_PORT_MAX}; unless the cluster was started with a wider ` +
          `--service-node-port-range (kind uses the default), the API server rejects it. On kind, reaching a nodePort from your machine ` +
          'also needs an extraPortMappings entry in the kind cluster config.',
        ctx.range(f.path, 'value'),
      );
    }
  }
};

export const portNumbersRule: Rule = { scope: 'resource', meta: META, check, onPatches: true };
