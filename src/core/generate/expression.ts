import type { ParameterValue, ParameterValues } from './templateTypes';

/**
 * The small condition language of templates (`when`, `$when`, constraints):
 *
 *   ingressEnabled
 *   !gatewayAutoscaling
 *   gatewayServiceType == 'NodePort' || namespace != 'default'
 *   gatewayMinReplicas <= gatewayMaxReplicas && (a || b)
 *
 * Identifiers are parameter names, literals are quoted strings, integers, true and false.
 * It is parsed, never evaluated as JavaScript.
 */

export type Expr =
  | { op: 'lit'; value: ParameterValue }
  | { op: 'ref'; name: string }
  | { op: 'not'; arg: Expr }
  | { op: 'and' | 'or'; left: Expr; right: Expr }
  | { op: '==' | '!=' | '<' | '<=' | '>' | '>='; left: Expr; right: Expr };

export class ExpressionError extends Error {}

interface Token {
  kind: 'id' | 'str' | 'num' | 'punct';
  text: string;
  value?: ParameterValue;
  pos: number;
}

const PUNCT = ['&&', '||', '==', '!=', '<=', '>=', '<', '>', '!', '(', ')'];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        s += src[j++];
      }
      if (j >= src.length) throw new ExpressionError(`unterminated string in "${src}"`);
      out.push({ kind: 'str', text: src.slice(i, j + 1), value: s, pos: i });
      i = j + 1;
      continue;
    }
    const num = /^-?\d+/.exec(src.slice(i));
    if (num && (c !== '-' || out.length === 0 || out[out.length - 1].kind === 'punct')) {
      out.push({ kind: 'num', text: num[0], value: Number(num[0]), pos: i });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      out.push({ kind: 'id', text: id[0], pos: i });
      i += id[0].length;
      continue;
    }
    const p = PUNCT.find((x) => src.startsWith(x, i));
    if (!p) throw new ExpressionError(`unexpected "${c}" in "${src}"`);
    out.push({ kind: 'punct', text: p, pos: i });
    i += p.length;
  }
  return out;
}

export function parseExpression(src: string): Expr {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const eat = (text: string): boolean => {
    if (tokens[pos]?.kind === 'punct' && tokens[pos].text === text) {
      pos++;
      return true;
    }
    return false;
  };
  const or = (): Expr => {
    let left = and();
    while (eat('||')) left = { op: 'or', left, right: and() };
    return left;
  };
  const and = (): Expr => {
    let left = unary();
    while (eat('&&')) left = { op: 'and', left, right: unary() };
    return left;
  };
  const unary = (): Expr => {
    if (eat('!')) return { op: 'not', arg: unary() };
    return comparison();
  };
  const comparison = (): Expr => {
    const left = operand();
    const t = peek();
    if (t?.kind === 'punct' && ['==', '!=', '<', '<=', '>', '>='].includes(t.text)) {
      pos++;
      return { op: t.text as '==', left, right: operand() };
    }
    return left;
  };
  const operand = (): Expr => {
    const t = peek();
    if (!t) throw new ExpressionError(`"${src}" ends too early`);
    if (eat('(')) {
      const e = or();
      if (!eat(')')) throw new ExpressionError(`missing ")" in "${src}"`);
      return e;
    }
    pos++;
    if (t.kind === 'str' || t.kind === 'num') return { op: 'lit', value: t.value as ParameterValue };
    if (t.kind === 'id') {
      if (t.text === 'true') return { op: 'lit', value: true };
      if (t.text === 'false') return { op: 'lit', value: false };
      return { op: 'ref', name: t.text };
    }
    throw new ExpressionError(`unexpected "${t.text}" in "${src}"`);
  };
  if (tokens.length === 0) throw new ExpressionError('empty condition');
  const e = or();
  if (pos < tokens.length) throw new ExpressionError(`unexpected "${tokens[pos].text}" in "${src}"`);
  return e;
}

/** Parameter names an expression reads. */
export function referencedNames(e: Expr, out: Set<string> = new Set()): Set<string> {
  switch (e.op) {
    case 'ref':
      out.add(e.name);
      break;
    case 'lit':
      break;
    case 'not':
      referencedNames(e.arg, out);
      break;
    default:
      referencedNames(e.left, out);
      referencedNames(e.right, out);
  }
  return out;
}

function truthy(v: ParameterValue | undefined): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  return v !== undefined && v !== '';
}

function value(e: Expr, values: ParameterValues): ParameterValue | undefined {
  switch (e.op) {
    case 'lit':
      return e.value;
    case 'ref':
      return values[e.name];
    default:
      return evaluate(e, values);
  }
}

export function evaluate(e: Expr, values: ParameterValues): boolean {
  switch (e.op) {
    case 'lit':
    case 'ref':
      return truthy(value(e, values));
    case 'not':
      return !evaluate(e.arg, values);
    case 'and':
      return evaluate(e.left, values) && evaluate(e.right, values);
    case 'or':
      return evaluate(e.left, values) || evaluate(e.right, values);
    default: {
      const l = value(e.left, values);
      const r = value(e.right, values);
      if (e.op === '==') return String(l) === String(r);
      if (e.op === '!=') return String(l) !== String(r);
      const a = Number(l);
      const b = Number(r);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return e.op === '<' ? a < b : e.op === '<=' ? a <= b : e.op === '>' ? a > b : a >= b;
    }
  }
}

const cache = new Map<string, Expr>();

/** Parses (with a cache) and evaluates a condition. */
export function conditionHolds(src: string, values: ParameterValues): boolean {
  let e = cache.get(src);
  if (!e) {
    e = parseExpression(src);
    cache.set(src, e);
  }
  return evaluate(e, values);
}
