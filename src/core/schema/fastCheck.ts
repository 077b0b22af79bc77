import type { Release, StoredSchema } from './store';
import { FORMAT_CHECKS } from './formats';

/**
 * A yes/no validity check with exactly the semantics of the ajv validators in validator.ts, run
 * before them. Almost every resource in a real workspace is valid, and for those this is all the
 * work there is: a handful of small generic functions walking the data (they get hot after a few
 * resources, where ajv's one generated function per definition each has to warm up, and ajv's
 * per-definition compile is skipped entirely). Only an object this check rejects goes to ajv,
 * which then produces the detailed errors the messages are built from.
 *
 * Semantics (must match validator.ts): optional fields, map values accept null; required fields,
 * list items and the root do not; objects with properties reject unknown fields; formats as in
 * formats.ts. test/unit/schema/fastCheck.test.ts compares both on valid and mutated objects.
 */

const STRING = 1;
const INTEGER = 2;
const NUMBER = 4;
const BOOLEAN = 8;
const OBJECT = 16;
const ARRAY = 32;

const TYPE_BITS: Record<string, number> = { string: STRING, integer: INTEGER, number: NUMBER | INTEGER, boolean: BOOLEAN, object: OBJECT, array: ARRAY };

interface Node {
  /** Allowed types (0: anything). */
  types: number;
  props?: Record<string, Slot>;
  required?: string[];
  /** Unknown keys: false rejects them, a node checks their values, undefined allows anything. */
  extra?: Slot | false;
  items?: Slot;
  enumValues?: readonly unknown[];
  format?: (v: unknown) => boolean;
}

/** A place a value goes (property, item, map value): its schema, by reference or inline, and whether null is allowed. */
interface Slot {
  nullable: boolean;
  node?: Node;
  ref?: string;
}

export class FastChecker {
  private readonly nodes = new Map<string, Node>();

  constructor(private readonly release: Release) {}

  /** Whether `value` is valid against a definition of the release. */
  check(definition: string, value: unknown): boolean {
    return value !== null && this.valid(this.definition(definition), value);
  }

  private definition(name: string): Node {
    let n = this.nodes.get(name);
    if (!n) {
      const s = this.release.schema(name);
      if (!s) throw new Error(`definition ${name} missing from the Kubernetes ${this.release.name} schemas`);
      n = this.build(s);
      this.nodes.set(name, n);
    }
    return n;
  }

  private build(s: StoredSchema): Node {
    const n: Node = { types: 0 };
    if (s.type !== undefined) for (const t of Array.isArray(s.type) ? s.type : [s.type]) n.types |= TYPE_BITS[t] ?? 0;
    if (s.enum) n.enumValues = s.enum;
    if (s.format && FORMAT_CHECKS[s.format]) n.format = FORMAT_CHECKS[s.format];
    if (s.properties) {
      const required = new Set(s.required ?? []);
      n.props = Object.create(null) as Record<string, Slot>;
      for (const [k, v] of Object.entries(s.properties)) n.props[k] = this.slot(v, !required.has(k));
    }
    if (s.required?.length) n.required = s.required;
    if (s.additionalProperties !== undefined) {
      n.extra = s.additionalProperties === false ? false : s.additionalProperties === true ? undefined : this.slot(s.additionalProperties, true);
    }
    if (s.items) n.items = this.slot(s.items, false);
    return n;
  }

  private slot(s: StoredSchema, nullable: boolean): Slot {
    return s.$ref ? { nullable, ref: s.$ref } : { nullable, node: this.build(s) };
  }

  private valid(n: Node, v: unknown): boolean {
    const t = n.types;
    if (t !== 0) {
      let bit: number;
      switch (typeof v) {
        case 'string':
          bit = STRING;
          break;
        case 'number':
          bit = Number.isInteger(v) ? INTEGER : Number.isFinite(v) ? NUMBER : 0;
          break;
        case 'boolean':
          bit = BOOLEAN;
          break;
        case 'object':
          bit = v === null ? 0 : Array.isArray(v) ? ARRAY : OBJECT;
          break;
        default:
          bit = 0;
      }
      if ((t & bit) === 0) return false;
    }
    if (n.enumValues !== undefined && !n.enumValues.includes(v)) return false;
    if (n.format !== undefined && !n.format(v)) return false;
    if (v === null || typeof v !== 'object') return true;
    if (Array.isArray(v)) {
      const items = n.items;
      if (items !== undefined) for (let i = 0; i < v.length; i++) if (!this.slotValid(items, v[i])) return false;
      return true;
    }
    // Like ajv, object keywords only apply to objects.
    const obj = v as Record<string, unknown>;
    if (n.required !== undefined) for (const k of n.required) if (obj[k] === undefined) return false;
    const props = n.props;
    const extra = n.extra;
    if (props === undefined && extra === undefined) return true;
    for (const k in obj) {
      const slot = props !== undefined ? props[k] : undefined;
      if (slot !== undefined) {
        if (!this.slotValid(slot, obj[k])) return false;
      } else if (extra === false) {
        return false;
      } else if (extra !== undefined && !this.slotValid(extra, obj[k])) {
        return false;
      }
    }
    return true;
  }

  private slotValid(slot: Slot, v: unknown): boolean {
    if (v === null) {
      if (slot.nullable) return true;
      const n = slot.node ?? this.definition(slot.ref!);
      return n.types === 0 && n.enumValues === undefined;
    }
    return this.valid(slot.node ?? this.definition(slot.ref!), v);
  }
}
