import { asArray, asRecord } from '../../model/kinds';
import type { ResourceCheck, RuleMeta, Rule } from '../types';
import { podContainers } from '../server/builtinKinds';
import { hasTemplatePlaceholder } from '../server/nameSyntax';

const META: RuleMeta[] = [{ code: 'secret-in-env', family: 'security', severity: 'warning', title: 'Password, token or key written as a plain env value' }];

/** Words that make a variable name look like it holds a credential. */
const SECRET_WORDS = new Set(['PASSWORD', 'PASSWD', 'SECRET', 'TOKEN', 'APIKEY', 'CREDENTIAL', 'CREDENTIALS']);
const SECRET_PAIRS = [
  ['API', 'KEY'],
  ['ACCESS', 'KEY'],
  ['PRIVATE', 'KEY'],
  ['AUTH', 'KEY'],
];
/** A last word that says the value is about the secret, not the secret itself. */
const NOT_A_SECRET_SUFFIX = new Set([
  'FILE',
  'PATH',
  'DIR',
  'URL',
  'URI',
  'NAME',
  'HOST',
  'PORT',
  'ENDPOINT',
  'ENABLED',
  'TTL',
  'EXPIRY',
  'EXPIRES',
  'TIMEOUT',
  'LENGTH',
  'SIZE',
  'TYPE',
  'HEADER',
  'ID',
  'REF',
  'MOUNT',
  'LOCATION',
  'ISSUER',
  'AUDIENCE',
  'REGION',
]);

/** Splits `dbPassword`, `DB_PASSWORD`, `db-password` into upper-case words. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
}

export function looksLikeSecretName(name: string): boolean {
  const words = nameWords(name);
  if (words.length === 0 || NOT_A_SECRET_SUFFIX.has(words[words.length - 1])) return false;
  if (words.some((w) => SECRET_WORDS.has(w))) return true;
  return SECRET_PAIRS.some(([a, b]) => words.some((w, i) => w === a && words[i + 1] === b));
}

/** Values that are clearly not the secret itself: references, placeholders, paths, booleans, empty. */
function looksLikeSecretValue(value: string): boolean {
  const v = value.trim();
  if (v === '' || /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(v) || v.startsWith('/') || hasTemplatePlaceholder(v)) return false;
  return !/^(true|false|yes|no)$/i.test(v);
}

/** A literal value for a credential-named variable: anyone who can read the manifest or the object can read it. */
const check: ResourceCheck = (ctx) => {
  for (const c of podContainers(ctx.resource, { init: true })) {
    asArray(c.container.env).forEach((e, i) => {
      const env = asRecord(e);
      if (!env || typeof env.name !== 'string' || typeof env.value !== 'string') return;
      if (!looksLikeSecretName(env.name) || !looksLikeSecretValue(env.value)) return;
      ctx.report(
        'secret-in-env',
        `${env.name} has its value written in the manifest: anyone who can read this file, the Git history or \`kubectl get -o yaml\` can read it. ` +
          'Store it in a Secret (kubectl create secret generic …) and reference it with valueFrom.secretKeyRef (name and key) instead of value.',
        ctx.range([...c.path, 'env', i, 'value'], 'value'),
      );
    });
  }
};

export const secretInEnvRule: Rule = { scope: 'resource', meta: META, check };
