/**
 * What a server said, as messages show it: credentials and registered secrets
 * scrubbed by the connection's Redactor first (a message may echo them), then one printable line.
 */
import { statusMessage, type ClusterClient, type ClusterResponse } from './clusterClient';
import { printableLine } from '../terminalText';

/** A failed answer: the server's own message with its status, e.g. `services "x" is forbidden: … (HTTP 403)`. */
export function serverFailure(client: Pick<ClusterClient, 'redact'>, res: ClusterResponse): string {
  return serverText(client, statusMessage(res), 400);
}

/** Text from a server object (a pod's status message, an Event, a condition): scrubbed, then one printable line. */
export function serverText(client: Pick<ClusterClient, 'redact'>, text: unknown, max = 400): string {
  return printableLine(typeof text === 'string' ? client.redact(text) : text, max);
}
