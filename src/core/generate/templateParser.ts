import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node as YamlNode } from 'yaml';
import { ExpressionError, parseExpression, referencedNames } from './expression';
import { coerceValue, defaultFor, wholeValuePattern } from './parameters';
import { placeholdersIn } from './placeholders';
import {
  TEMPLATE_API_VERSION,
  TEMPLATE_KIND,
  TemplateError,
  type ParameterChoice,
  type ParameterType,
  type ParameterValue,
  type ParameterValues,
  type Template,
  type TemplateConstraint,
  type TemplateNote,
  type TemplateParameter,
} from './templateTypes';

/** Keys with a meaning to the renderer; any other key starting with `$` is a typo. */
export const WHEN_KEY = '$when';
export const VALUE_KEY = '$value';

const TYPES: ParameterType[] = ['string', 'integer', 'enum', 'boolean'];
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TEMPLATE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Reads a template file: a header document followed by Kubernetes documents. Everything a
 * render could trip over is checked here (unknown placeholders, bad conditions, invalid
 * defaults), so a template that loads always renders.
 */
export function parseTemplate(text: string, source: string, builtIn = false): Template {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (!Array.isArray(docs)) throw new TemplateError(source, 'not a YAML stream');
  const lineOf = (node: { range?: [number, number, number] | null } | null | undefined): number | undefined =>
    node?.range ? lines.linePos(node.range[0]).line : undefined;
  for (const d of docs) {
    const err = d.errors[0];
    if (err) throw new TemplateError(source, `YAML: ${err.message.split('\n')[0]}`, lines.linePos(err.pos[0]).line);
  }
  const nonEmpty = docs.filter((d) => d.contents !== null);
  if (nonEmpty.length === 0) throw new TemplateError(source, 'empty file');
  const [headerDoc, ...body] = nonEmpty;
  const header = headerDoc.toJS() as Record<string, unknown>;
  const fail = (message: string, line?: number): never => {
    throw new TemplateError(source, message, line);
  };
  if (!isRecord(header) || header.kind !== TEMPLATE_KIND || header.apiVersion !== TEMPLATE_API_VERSION) {
    fail(`the first document must be the template header (apiVersion: ${TEMPLATE_API_VERSION}, kind: ${TEMPLATE_KIND})`, lineOf(headerDoc.contents));
  }
  const metadata = isRecord(header.metadata) ? header.metadata : fail('metadata is missing');
  const spec = isRecord(header.spec) ? header.spec : fail('spec is missing');
  const name = str(metadata.name);
  if (!name || !TEMPLATE_NAME.test(name)) fail('metadata.name must be lowercase letters, digits and "-" (it is what `generate <name>` takes)');
  if (body.length === 0) fail('the template has no Kubernetes documents after the header');

  const parameters = parseParameters(spec.parameters, fail);
  const known = new Set(parameters.map((p) => p.name));
  const checkCondition = (cond: string, where: string, line?: number, allowed: Set<string> = known): void => {
    try {
      const refs = referencedNames(parseExpression(cond));
      for (const r of refs)
        if (!allowed.has(r))
          fail(`${where}: condition "${cond}" uses ${known.has(r) ? `parameter "${r}" before it is declared` : `unknown parameter "${r}"`}`, line);
    } catch (e) {
      if (e instanceof ExpressionError) fail(`${where}: ${e.message}`, line);
      throw e;
    }
  };
  const checkText = (t: string, where: string, line?: number, allowed: Set<string> = known): void => {
    for (const ref of placeholdersIn(t)) {
      if (ref.invalid !== undefined) fail(`${where}: "\${${ref.invalid}}" is not a parameter name (write $\${ for a literal "\${")`, line);
      if (!allowed.has(ref.name))
        fail(`${where}: placeholder \${${ref.name}} ${known.has(ref.name) ? 'refers to a later parameter' : 'names no parameter'}`, line);
    }
  };

  // Conditions and derived defaults may only look back, so an editor can ask in order.
  const earlier = new Set<string>();
  const defaults: ParameterValues = {};
  for (const p of parameters) {
    if (p.when) checkCondition(p.when, `parameter ${p.name}`, undefined, earlier);
    if (typeof p.default === 'string') checkText(p.default, `default of ${p.name}`, undefined, earlier);
    const def = defaultFor(p, defaults);
    const ok = coerceValue(p, def);
    if ('error' in ok) fail(`default of ${ok.error}`);
    else defaults[p.name] = ok.value;
    earlier.add(p.name);
  }

  const constraints: TemplateConstraint[] = [];
  for (const [i, c] of asList(spec.constraints, 'spec.constraints', fail).entries()) {
    if (!isRecord(c) || !str(c.check) || !str(c.message)) fail(`spec.constraints[${i}] needs "check" and "message"`);
    const rec = c as Record<string, unknown>;
    checkCondition(String(rec.check), `spec.constraints[${i}]`);
    checkText(String(rec.message), `spec.constraints[${i}].message`);
    const parameter = str(rec.parameter);
    if (parameter && !known.has(parameter)) fail(`spec.constraints[${i}].parameter "${parameter}" names no parameter`);
    constraints.push({ check: String(rec.check), message: String(rec.message), parameter });
  }

  const notes: TemplateNote[] = [];
  for (const [i, n] of asList(spec.notes, 'spec.notes', fail).entries()) {
    const note =
      typeof n === 'string'
        ? { text: n }
        : isRecord(n) && str(n.text)
          ? { text: String(n.text), when: str(n.when) }
          : fail(`spec.notes[${i}] must be text or { text, when }`);
    if (note.when) checkCondition(note.when, `spec.notes[${i}]`);
    checkText(note.text, `spec.notes[${i}]`);
    notes.push(note);
  }

  const output = isRecord(spec.output) ? spec.output : {};
  const singleFile = str(output.singleFile) ?? `${name}.yaml`;
  const prefix = str(output.prefix) ?? name!;
  checkText(singleFile, 'spec.output.singleFile');
  checkText(prefix, 'spec.output.prefix');

  for (const doc of body) {
    if (!isMap(doc.contents)) fail('every document after the header must be a Kubernetes object (a mapping)', lineOf(doc.contents));
    checkBodyNode(doc.contents, true, { checkText, checkCondition, fail, lineOf });
    checkComments(doc, checkText, lineOf);
  }

  return {
    name: name!,
    title: str(metadata.title) ?? name!,
    description: str(metadata.description) ?? '',
    parameters,
    constraints,
    notes,
    output: { singleFile, prefix },
    body: body,
    source,
    builtIn,
  };
}

interface BodyCheckers {
  checkText(t: string, where: string, line?: number): void;
  checkCondition(c: string, where: string, line?: number): void;
  fail(message: string, line?: number): never;
  lineOf(node: YamlNode | null | undefined): number | undefined;
}

function checkBodyNode(node: YamlNode | null, isRoot: boolean, c: BodyCheckers): void {
  if (!node) return;
  const line = c.lineOf(node);
  if (node.commentBefore) c.checkText(node.commentBefore, 'comment', line);
  if (node.comment) c.checkText(node.comment, 'comment', line);
  if (isScalar(node)) {
    if (typeof node.value === 'string') c.checkText(node.value, 'value', line);
    return;
  }
  if (isAlias(node)) return;
  if (isSeq(node)) {
    for (const item of node.items) checkBodyNode(item as YamlNode, false, c);
    return;
  }
  if (isMap(node)) {
    let hasWhen = false;
    let hasValue = false;
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      const keyLine = c.lineOf(pair.key as YamlNode);
      if (typeof key === 'string' && key.startsWith('$')) {
        if (key === WHEN_KEY) {
          hasWhen = true;
          const v = isScalar(pair.value) ? pair.value.value : undefined;
          if (typeof v !== 'string' && typeof v !== 'boolean') c.fail(`${WHEN_KEY} needs a condition`, keyLine);
          if (typeof v === 'string') c.checkCondition(v, WHEN_KEY, keyLine);
          continue;
        }
        if (key === VALUE_KEY) {
          hasValue = true;
          if (isRoot) c.fail(`${VALUE_KEY} cannot replace a whole document`, keyLine);
          checkBodyNode(pair.value as YamlNode, false, c);
          continue;
        }
        c.fail(`unknown template key "${key}" (template keys are ${WHEN_KEY} and ${VALUE_KEY})`, keyLine);
      }
      if (isScalar(pair.key)) {
        if (pair.key.commentBefore) c.checkText(pair.key.commentBefore, 'comment', keyLine);
        if (typeof key === 'string') c.checkText(key, 'key', keyLine);
      }
      checkBodyNode(pair.value as YamlNode, false, c);
    }
    if (hasValue && (!hasWhen || node.items.length !== 2)) c.fail(`${VALUE_KEY} goes together with ${WHEN_KEY} and nothing else`, line);
  }
}

function checkComments(doc: Document.Parsed, checkText: BodyCheckers['checkText'], lineOf: BodyCheckers['lineOf']): void {
  const line = lineOf(doc.contents);
  if (doc.commentBefore) checkText(doc.commentBefore, 'comment', line);
  if (doc.comment) checkText(doc.comment, 'comment', line);
}

function parseParameters(raw: unknown, fail: (m: string, line?: number) => never): TemplateParameter[] {
  const list = asList(raw, 'spec.parameters', fail);
  const out: TemplateParameter[] = [];
  const seen = new Set<string>();
  for (const [i, item] of list.entries()) {
    if (!isRecord(item)) fail(`spec.parameters[${i}] must be a mapping`);
    const p = item;
    const name = str(p.name);
    const where = `parameter ${name ?? `#${i + 1}`}`;
    if (!name || !IDENTIFIER.test(name)) fail(`spec.parameters[${i}].name must be an identifier (letters, digits, _), got ${JSON.stringify(p.name)}`);
    if (seen.has(name)) fail(`parameter ${name} is declared twice`);
    seen.add(name);
    const type = (p.type ?? 'string') as ParameterType;
    if (!TYPES.includes(type)) fail(`${where}: type must be one of ${TYPES.join(', ')}`);
    let choices: ParameterChoice[] | undefined;
    if (type === 'enum') {
      const rawChoices = asList(p.choices, `${where}: choices`, fail);
      if (rawChoices.length === 0) fail(`${where}: an enum needs choices`);
      choices = rawChoices.map((c, j) => {
        if (typeof c === 'string' || typeof c === 'number' || typeof c === 'boolean') return { value: String(c) };
        if (isRecord(c) && (typeof c.value === 'string' || typeof c.value === 'number' || typeof c.value === 'boolean')) {
          return { value: String(c.value), description: str(c.description), recommendedOnKind: c.recommendedOnKind === true ? true : undefined };
        }
        return fail(`${where}: choices[${j}] must be a value or { value, description }`);
      });
    } else if (p.choices !== undefined) {
      fail(`${where}: only enum parameters have choices`);
    }
    if (p.default === undefined || p.default === null)
      fail(`${where}: a default is required (pressing Enter through every question must give a working topology)`);
    const def = p.default as ParameterValue;
    if (typeof def === 'object') fail(`${where}: default must be a single value`);
    const pattern = str(p.pattern);
    if (pattern !== undefined) {
      if (type !== 'string') fail(`${where}: pattern applies to string parameters only`);
      try {
        wholeValuePattern(pattern);
      } catch {
        fail(`${where}: pattern ${pattern} is not a valid regular expression`);
      }
    }
    if (p.essential !== undefined && typeof p.essential !== 'boolean') fail(`${where}: essential must be true or false`);
    const minimum = num(p.minimum, `${where}: minimum`, fail);
    const maximum = num(p.maximum, `${where}: maximum`, fail);
    if ((minimum !== undefined || maximum !== undefined) && type !== 'integer') fail(`${where}: minimum/maximum apply to integer parameters only`);
    out.push({
      name: name,
      type,
      default: type === 'string' ? String(def) : def,
      prompt: str(p.prompt),
      description: str(p.description),
      pattern,
      patternMessage: str(p.patternMessage),
      minimum,
      maximum,
      choices,
      when: str(p.when),
      group: str(p.group),
      essential: p.essential === true ? true : undefined,
    });
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function num(v: unknown, where: string, fail: (m: string) => never): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) return fail(`${where} must be an integer`);
  return v;
}

function asList(v: unknown, where: string, fail: (m: string) => never): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return fail(`${where} must be a list`);
  return v;
}
