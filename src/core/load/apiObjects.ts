/**
 * The few fields of API objects the load code reads, as the server's JSON may hold them: every
 * field optional, and values checked where they matter (a server is not trusted to send the types
 * its schema promises).
 */
import { safeLine } from '../safeText';

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface ServicePortObject {
  name?: string;
  port?: number;
  targetPort?: number | string;
  nodePort?: number;
  protocol?: string;
}

export interface ServiceObject {
  metadata?: ObjectMeta;
  spec?: { type?: string; selector?: Record<string, unknown>; ports?: ServicePortObject[] };
}

export interface WorkloadObject {
  metadata?: ObjectMeta;
  spec?: { template?: { metadata?: { labels?: Record<string, string> } } };
}

export interface HpaObject {
  metadata?: ObjectMeta;
  spec?: { minReplicas?: number; maxReplicas?: number; scaleTargetRef?: { kind?: string; name?: string } };
}

export interface PodObject {
  metadata?: ObjectMeta;
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    containerStatuses?: { state?: { waiting?: { reason?: string; message?: string } } }[];
  };
}

export interface EventObject {
  metadata?: ObjectMeta;
  involvedObject?: { kind?: string; name?: string };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  series?: { count?: number };
  lastTimestamp?: string;
  eventTime?: string;
}

/** The items of a list response (empty for anything else). */
export function listItems<T>(body: unknown): T[] {
  const items = (body as { items?: unknown } | undefined)?.items;
  return Array.isArray(items) ? (items.filter((i) => i !== null && typeof i === 'object') as T[]) : [];
}

/** " <the Status message>" of an error response, printable, or ''. */
export function apiMessage(body: unknown): string {
  const m = (body as { message?: unknown } | undefined)?.message;
  return typeof m === 'string' ? ` ${safeLine(m, 400)}` : '';
}

/** A string field, or undefined when the server sent something else. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
