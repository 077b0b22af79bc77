import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapServicePort, servicePortStatus, type ContainerPortView } from '../../../src/core/model/podPorts';
import type { ServicePortView } from '../../../src/core/model/serviceAddress';

const container = { container: {}, path: [], name: 'app', init: false };
const port = (containerPort: number | undefined, name?: string, protocol = 'TCP'): ContainerPortView => ({
  container,
  index: 0,
  path: [],
  containerPort,
  name,
  protocol,
});

test('the status of a Service port is the one its full mapping gives, for every kind of target and port list', () => {
  const lists: ContainerPortView[][] = [
    [],
    [port(8080)],
    [port(8080, 'http')],
    [port(8080, 'http', 'UDP')],
    [port(53, 'dns', 'UDP'), port(53, 'dns-tcp')],
    [port(undefined, 'http')],
    [port(9090, 'metrics'), port(8080, 'http')],
  ];
  const targets: (number | string | undefined)[] = [undefined, 8080, 53, 9090, 1234, 'http', 'dns', 'metrics', 'grpc'];
  let compared = 0;
  for (const protocol of ['TCP', 'UDP'])
    for (const targetPort of targets)
      for (const ports of lists) {
        const sp: ServicePortView = { index: 0, path: [], port: 80, protocol, targetPort, targetPortExplicit: true };
        assert.equal(
          servicePortStatus(sp, ports),
          mapServicePort(sp, ports).status,
          `${String(targetPort)}/${protocol} over ${JSON.stringify(ports.map((p) => [p.containerPort, p.name, p.protocol]))}`,
        );
        compared++;
      }
  assert.equal(compared, 126);
});
