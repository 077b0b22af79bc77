import { asArray, asRecord, getPath } from '../../model/kinds';
import type { PathSegment } from '../../parse/locate';
import type { ResourceCheck, ResourceCheckContext, RuleMeta, Rule } from '../types';
import { isBuiltin, podContainers } from './builtinKinds';
import { protocolOf } from './portFields';

const META: RuleMeta[] = [
  { code: 'duplicate-service-port', family: 'server', severity: 'error', title: 'A Service lists the same port (or nodePort) and protocol twice' },
  { code: 'duplicate-host-port', family: 'server', severity: 'error', title: 'Two containers of a pod claim the same hostPort' },
  { code: 'duplicate-container-port', family: 'server', severity: 'warning', title: 'The same containerPort is declared twice in one pod' },
];

const check: ResourceCheck = (ctx) => {
  if (isBuiltin(ctx.resource, 'Service')) checkServicePorts(ctx);
  checkPodPorts(ctx);
};

function checkServicePorts(ctx: ResourceCheckContext): void {
  const ports = new Map<string, number>();
  const nodePorts = new Map<string, number>();
  asArray(getPath(ctx.resource.object, ['spec', 'ports'])).forEach((p, i) => {
    const port = asRecord(p);
    if (!port) return;
    const protocol = protocolOf(port);
    if (typeof port.port === 'number') {
      const key = `${port.port}/${protocol}`;
      const first = ports.get(key);
      if (first === undefined) ports.set(key, i);
      else {
        ctx.report(
          'duplicate-service-port',
          `Port ${key} appears twice in this Service (ports[${first}] and ports[${i}]); the API server rejects it. Give each port a different number.`,
          ctx.range(['spec', 'ports', i, 'port'], 'value'),
          { related: [{ file: '', range: ctx.range(['spec', 'ports', first, 'port'], 'value'), message: `first ${key}` }] },
        );
      }
    }
    if (typeof port.nodePort === 'number' && port.nodePort !== 0) {
      const key = `${port.nodePort}/${protocol}`;
      const first = nodePorts.get(key);
      if (first === undefined) nodePorts.set(key, i);
      else {
        ctx.report(
          'duplicate-service-port',
          `nodePort ${key} appears twice in this Service; the API server rejects it (a node port can carry only one Service port).`,
          ctx.range(['spec', 'ports', i, 'nodePort'], 'value'),
          { related: [{ file: '', range: ctx.range(['spec', 'ports', first, 'nodePort'], 'value'), message: `first nodePort ${key}` }] },
        );
      }
    }
  });
}

/**
 * Within the regular containers of one pod (they share one network namespace): the same hostPort
 * twice is rejected; the same containerPort twice is accepted with a warning, and one of the two
 * processes cannot bind it.
 */
function checkPodPorts(ctx: ResourceCheckContext): void {
  const hostPorts = new Map<string, PathSegment[]>();
  const containerPorts = new Map<string, { path: PathSegment[]; container: string }>();
  for (const c of podContainers(ctx.resource)) {
    asArray(c.container.ports).forEach((p, i) => {
      const port = asRecord(p);
      if (!port) return;
      const path = [...c.path, 'ports', i];
      const protocol = protocolOf(port);
      const hostIP = typeof port.hostIP === 'string' ? port.hostIP : '';
      const hostPort = typeof port.hostPort === 'number' ? port.hostPort : 0;
      if (hostPort !== 0) {
        const key = `${hostIP}/${protocol}/${hostPort}`;
        const first = hostPorts.get(key);
        if (first) {
          ctx.report(
            'duplicate-host-port',
            `hostPort ${hostPort}/${protocol} is claimed twice in this pod; the API server rejects it (a node port can be bound only once).`,
            ctx.range([...path, 'hostPort'], 'value'),
            { related: [{ file: '', range: ctx.range([...first, 'hostPort'], 'value'), message: `first hostPort ${hostPort}/${protocol}` }] },
          );
          return;
        }
        hostPorts.set(key, path);
      }
      if (typeof port.containerPort !== 'number') return;
      const key = `${port.containerPort}/${protocol}/${hostIP}/${hostPort}`;
      const first = containerPorts.get(key);
      if (!first) {
        containerPorts.set(key, { path, container: c.name });
        return;
      }
      const where = first.container === c.name ? `container ${c.name || '(unnamed)'}` : `containers ${first.container} and ${c.name}`;
      ctx.report(
        'duplicate-container-port',
        `containerPort ${port.containerPort}/${protocol} is declared twice (${where}). Containers in a pod share one network, ` +
          'so only one process can listen on it; remove the duplicate entry or use another port.',
        ctx.range([...path, 'containerPort'], 'value'),
        {
          related: [
            { file: '', range: ctx.range([...first.path, 'containerPort'], 'value'), message: `first containerPort ${port.containerPort}/${protocol}` },
          ],
        },
      );
    });
  }
}

export const duplicatePortsRule: Rule = { scope: 'resource', meta: META, check };
