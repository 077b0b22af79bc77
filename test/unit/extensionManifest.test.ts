/**
 * package.json's contributions agree with the tables the code registers and reads from: one
 * command table, one settings table, one list of Kubernetes versions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS, contributedCommands } from '../../src/extension/commandTable';
import { SETTINGS, SETTINGS_SECTION } from '../../src/extension/settingsTable';
import { DEFAULT_KUBERNETES_VERSION, SUPPORTED_KUBERNETES_VERSIONS } from '../../src/core/kubernetesVersions';

const ROOT = path.resolve(__dirname, '../../..');

interface Manifest {
  activationEvents: string[];
  contributes: {
    commands: Array<Record<string, string>>;
    configuration: { properties: Record<string, { default: unknown; scope?: string; enum?: string[] }> };
    menus: Record<string, Array<{ command: string }>>;
    walkthroughs: Array<{ steps: Array<{ id: string; description: string; completionEvents?: string[] }> }>;
  };
}
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
const ids = new Set<string>(COMMANDS.map((c) => c.id));

test('contributes.commands is exactly the command table (ids, titles, icons, enablement, order)', () => {
  assert.deepEqual(manifest.contributes.commands, contributedCommands());
});

test('command ids are unique, and every menu entry and walkthrough link names a command of the table', () => {
  assert.equal(ids.size, COMMANDS.length);
  for (const [menu, entries] of Object.entries(manifest.contributes.menus)) {
    for (const e of entries) assert.ok(ids.has(e.command), `${menu}: ${e.command} is not in the command table`);
  }
  for (const step of manifest.contributes.walkthroughs.flatMap((w) => w.steps)) {
    const named = [
      ...(step.description.match(/command:(kubeTopology\.[\w.]+)/g) ?? []).map((m) => m.slice('command:'.length)),
      ...(step.completionEvents ?? []).filter((e) => e.startsWith('onCommand:kubeTopology.')).map((e) => e.slice('onCommand:'.length)),
    ];
    for (const id of named) assert.ok(ids.has(id), `walkthrough step ${step.id}: ${id} is not in the command table`);
  }
});

test('contributes.configuration declares exactly the settings table, with the same defaults and scopes', () => {
  const declared = manifest.contributes.configuration.properties;
  assert.deepEqual(
    Object.keys(declared).sort(),
    Object.keys(SETTINGS)
      .map((k) => `${SETTINGS_SECTION}.${k}`)
      .sort(),
  );
  for (const [key, spec] of Object.entries(SETTINGS)) {
    const p = declared[`${SETTINGS_SECTION}.${key}`];
    assert.deepEqual(p.default, spec.default, `${key} default`);
    assert.equal(p.scope ?? 'window', spec.scope, `${key} scope`);
  }
});

test('the Kubernetes version setting offers exactly the versions with schemas, defaulting to the newest', () => {
  const p = manifest.contributes.configuration.properties[`${SETTINGS_SECTION}.kubernetesVersion`];
  assert.deepEqual(p.enum, [...SUPPORTED_KUBERNETES_VERSIONS]);
  assert.equal(p.default, DEFAULT_KUBERNETES_VERSION);
  assert.equal(DEFAULT_KUBERNETES_VERSION, SUPPORTED_KUBERNETES_VERSIONS[SUPPORTED_KUBERNETES_VERSIONS.length - 1]);
  const schemas = fs.readdirSync(path.join(ROOT, 'schemas')).join(' ');
  for (const v of SUPPORTED_KUBERNETES_VERSIONS) assert.ok(schemas.includes(v), `committed schemas for ${v} (${schemas})`);
});
