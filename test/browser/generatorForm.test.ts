/**
 * The generator form (dist/webview/generator.js) in Chromium, under the panel's CSP, with the test
 * playing the extension host: every `change` the form posts is evaluated by the real host code
 * (src/extension/generatorMessages.ts over the real template engine, analysis and graph build) and
 * answered with its `state`, exactly as src/extension/generatorPanel.ts does.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, openPanel, screenshot, sendToWebview, startHarness, violations, type Harness, type Theme } from './harness';
import { kindRecommendations, parseTemplate, type OutputLayout, type ParameterValue, type Template } from '../../src/core/generate';
import { GenerationPreviewer } from '../../src/core/generate/preview';
import { formMessage, stateMessage } from '../../src/extension/generatorMessages';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

function preset(name: string): Template {
  const file = path.join(ROOT, 'templates', `${name}.yaml`);
  return parseTemplate(fs.readFileSync(file, 'utf8'), file, true);
}

/** The host side of the form, as generatorPanel.ts runs it (minus the files and dialogs). */
class FormHost {
  readonly generated: { template: string; values: Record<string, ParameterValue>; layout: OutputLayout }[] = [];
  private readonly previewer = new GenerationPreviewer();
  private page: Page | undefined;
  private values: Record<string, ParameterValue>;
  private layout: OutputLayout = 'single';
  private sends: Promise<void> = Promise.resolve();

  constructor(
    private template: Template,
    private readonly templates: Template[] = [template],
    private readonly onKind = false,
  ) {
    this.values = onKind ? kindRecommendations(template) : {};
  }

  attach(page: Page): void {
    this.page = page;
  }

  receive = (m: Record<string, unknown>): void => {
    switch (m.type) {
      case 'ready':
        this.sendForm();
        return;
      case 'change':
        this.values = m.values as Record<string, ParameterValue>;
        this.layout = m.layout as OutputLayout;
        this.sendState(m.revision as number);
        return;
      case 'selectTemplate':
        this.template = this.templates.find((t) => t.name === m.name) ?? this.template;
        this.values = {};
        this.sendForm();
        return;
      case 'generate':
        this.generated.push(m as never);
        this.send({ type: 'generated', ok: true, message: 'Wrote k8s/clothing.yaml.' });
        return;
    }
  };

  private sendForm(): void {
    this.send(
      formMessage({
        templates: this.templates.map((t) => ({ template: t, where: 'built-in' })),
        template: this.template,
        onKind: this.onKind,
        values: this.values,
        layout: this.layout,
        folder: 'k8s',
      }),
    );
    this.sendState(0);
  }

  private sendState(revision: number): void {
    this.send(stateMessage({ revision, template: this.template, values: this.values, layout: this.layout, directory: 'k8s', previewer: this.previewer }));
  }

  private send(m: Record<string, unknown>): void {
    // In order, after the page is attached (`ready` can arrive while openPanel is still waiting).
    this.sends = this.sends.then(async () => {
      while (!this.page) await new Promise((r) => setImmediate(r));
      await sendToWebview(this.page, m);
    });
  }
}

async function openForm(o: { theme?: Theme; width?: number; height?: number; host?: FormHost } = {}): Promise<{ page: Page; host: FormHost }> {
  const host = o.host ?? new FormHost(preset('gateway-model'));
  const page = await openPanel(h, { page: 'generator', theme: o.theme, width: o.width ?? 1400, height: o.height ?? 900, host: host.receive });
  host.attach(page);
  await previewRendered(page);
  return { page, host };
}

/** Waits until the preview graph shows names matching `re` (the host answered and the worker laid it out). */
async function previewRendered(page: Page, re = /./): Promise<string[]> {
  await page.waitForFunction(
    (src) => {
      const d = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> } }).document;
      const names = Array.from(d.querySelectorAll('.gen-preview svg.kt-graph .node .name')).map((n) => n.textContent ?? '');
      return names.length > 0 && names.some((n) => new RegExp(src).test(n));
    },
    re.source,
    { timeout: 30_000 },
  );
  return page.locator('.gen-preview svg.kt-graph .node .name').allTextContents();
}

function field(page: Page, name: string) {
  return page.locator(`.gen-field[data-name="${name}"]`);
}

/** Types into a text field as a person does (select all, type). */
async function typeInto(page: Page, name: string, text: string): Promise<void> {
  const input = field(page, name).locator('vscode-text-field input');
  await input.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
}

describe('generator form in Chromium (built bundle, panel CSP, real host code)', () => {
  test('groups the parameters (application, gateway, model, exposure, scaling), essential fields first, the rest folded, every field labelled', async () => {
    const { page } = await openForm();
    const headings = await page.locator('.gen-form h2').allTextContents();
    assert.deepEqual(headings, ['Application', 'Gateway', 'Model', 'Exposure', 'Scaling', 'Output']);
    // Open: the four questions most people answer; everything else folded (closed) under "More … options".
    const visible = await page.locator('.gen-field:visible').evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { name: string } }).dataset.name));
    assert.deepEqual(visible, ['appName', 'gatewayImage', 'modelImage', 'gatewayServiceType']);
    assert.deepEqual(await page.locator('.gen-fold > summary').allTextContents(), [
      'More application options (3)',
      'More gateway options (6)',
      'More model options (7)',
      'More exposure options (7)',
      'More scaling options (10)',
    ]);
    // Defaults filled in, derived ones included.
    assert.equal(await field(page, 'appName').locator('vscode-text-field input').inputValue(), 'clothing');
    assert.equal(await field(page, 'gatewayImage').locator('vscode-text-field input').inputValue(), 'clothing-gateway:0.1.0');
    // Each control is found by its accessible name, as a screen reader announces it.
    for (const name of ['Application name', 'Gateway image', 'Model image'])
      assert.equal(await page.getByRole('textbox', { name, exact: true }).count(), 1, name);
    assert.equal(await page.getByRole('combobox', { name: 'Gateway Service type' }).count(), 1);
    await page.locator('.gen-fold > summary', { hasText: 'More scaling options' }).click();
    assert.equal(await page.getByRole('checkbox', { name: 'Scale the gateway with an HPA?' }).count(), 1);
    assert.equal(await page.getByRole('radiogroup', { name: 'Files' }).count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Generate' }).count(), 1);
    // Every field has a non-empty accessible name.
    const unnamed = await page.locator('.gen-field').evaluateAll((els) =>
      els
        .map(
          (e) =>
            e.querySelector('vscode-text-field, vscode-dropdown, vscode-checkbox') as unknown as {
              getAttribute(n: string): string | null;
              textContent: string | null;
              dataset: { name: string };
            },
        )
        .filter((c) => !(c.getAttribute('aria-label') || c.getAttribute('aria-labelledby') || c.textContent?.trim()))
        .map((c) => c.dataset.name),
    );
    assert.deepEqual(unnamed, []);
    assert.deepEqual(await violations(page), []);
    await page.close();
  });

  test('values are checked as typed with the template’s own messages; errors are marked, shown and read out', async () => {
    const { page } = await openForm();
    await typeInto(page, 'appName', 'Bad Name');
    const error = field(page, 'appName').locator('.gen-error');
    await error.waitFor({ state: 'visible' });
    assert.equal(
      await error.textContent(),
      `"Bad Name" is not valid; expected lowercase letters, digits and '-', starting with a letter, at most 40 characters`,
    );
    assert.equal(await field(page, 'appName').locator('vscode-text-field').getAttribute('aria-invalid'), 'true');
    const announcer = page.locator('.gen-form [role="status"][aria-live="polite"]');
    await page.waitForFunction(() =>
      /Application name: "Bad Name" is not valid/.test(
        (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector(
          '.gen-form .sr-only',
        )?.textContent ?? '',
      ),
    );
    assert.match((await announcer.textContent()) ?? '', /expected lowercase letters/);
    assert.match((await page.locator('.gen-status').textContent()) ?? '', /1 value to fix/);

    // Generate with an invalid value posts nothing and takes the keyboard to the field.
    await page.getByRole('button', { name: 'Generate' }).click();
    assert.equal(
      await page.evaluate(
        () => (globalThis as unknown as { document: { activeElement: { dataset?: { name?: string } } } }).document.activeElement.dataset?.name,
      ),
      'appName',
    );

    await typeInto(page, 'appName', 'shoes');
    await error.waitFor({ state: 'hidden' });
    assert.equal(await field(page, 'appName').locator('vscode-text-field').getAttribute('aria-invalid'), null);

    // An integer out of range, in a folded field: the fold opens to show it.
    await page.locator('.gen-fold > summary', { hasText: 'More gateway options' }).click();
    await typeInto(page, 'gatewayPort', '70000');
    await field(page, 'gatewayPort').locator('.gen-error').waitFor({ state: 'visible' });
    assert.equal(await field(page, 'gatewayPort').locator('.gen-error').textContent(), '70000 is too large; expected an integer from 1 to 65535');
    await page.close();
  });

  test('a constraint between fields opens the fold of the field it is about', async () => {
    const { page } = await openForm();
    await page.locator('.gen-fold > summary', { hasText: 'More scaling options' }).click();
    await typeInto(page, 'gatewayMinReplicas', '5');
    const error = field(page, 'gatewayMaxReplicas').locator('.gen-error');
    await error.waitFor({ state: 'visible' });
    assert.equal(await error.textContent(), 'the gateway HPA maximum (3) is below its minimum (5)');
    await page.close();
  });

  test('the preview follows the fields: derived defaults, a new Service type, fewer objects without autoscaling', async () => {
    const { page } = await openForm();
    assert.deepEqual((await previewRendered(page)).sort(), [
      'clothing',
      'clothing-gateway',
      'clothing-gateway',
      'clothing-gateway',
      'clothing-model',
      'clothing-model',
      'clothing-model',
    ]);
    await typeInto(page, 'appName', 'shoes');
    await previewRendered(page, /^shoes-gateway$/);
    assert.equal(
      await field(page, 'gatewayImage').locator('vscode-text-field input').inputValue(),
      'shoes-gateway:0.1.0',
      'an untouched derived default follows',
    );
    // A typed image is kept when the name changes again.
    await typeInto(page, 'modelImage', 'registry.local/model:2.0');
    await typeInto(page, 'appName', 'boots');
    await previewRendered(page, /^boots-gateway$/);
    assert.equal(await field(page, 'modelImage').locator('vscode-text-field input').inputValue(), 'registry.local/model:2.0');

    await page.getByRole('combobox', { name: 'Gateway Service type' }).click();
    await page.getByRole('option', { name: 'ClusterIP' }).click();
    await page.waitForFunction(() =>
      /SERVICE · CLUSTERIP[\s\S]*SERVICE · CLUSTERIP/.test(
        Array.from(
          (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> } }).document.querySelectorAll(
            '.gen-preview svg.kt-graph .node .kind',
          ),
        )
          .map((n) => n.textContent)
          .join(' '),
      ),
    );
    assert.match((await field(page, 'gatewayServiceType').locator('.gen-help').textContent()) ?? '', /^ClusterIP: internal only/);
    await page.getByRole('tab', { name: 'YAML' }).click();
    assert.match(await page.locator('.gen-yaml').innerText(), /name: boots-gateway[\s\S]*type: ClusterIP/);

    await page.getByRole('tab', { name: 'Topology' }).click();
    await page.locator('.gen-fold > summary', { hasText: 'More scaling options' }).click();
    await page.getByRole('checkbox', { name: 'Scale the gateway with an HPA?' }).click();
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<unknown> } }).document.querySelectorAll(
          '.gen-preview svg.kt-graph .node',
        ).length === 6,
    );
    assert.equal(await field(page, 'gatewayReplicas').isVisible(), true, 'replicas apply without an HPA');
    assert.equal(await field(page, 'gatewayMinReplicas').isVisible(), false, 'the HPA range does not');
    assert.deepEqual(await violations(page), []);
    await page.close();
  });

  test('Generate posts the template, the values the user gave and the output choice', async () => {
    const { page, host } = await openForm();
    await typeInto(page, 'appName', 'shoes');
    await previewRendered(page, /^shoes-gateway$/);
    await page.getByRole('radio', { name: 'One file per object (split folder)' }).click();
    await page.locator('.gen-status', { hasText: 'Ready: 7 files.' }).waitFor();
    assert.match((await page.locator('.gen-yaml').textContent()) ?? '', /k8s\/shoes-deployment-gateway\.yaml/);
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.locator('.gen-status.tone-ok').waitFor();
    assert.deepEqual(host.generated, [{ type: 'generate', template: 'gateway-model', values: { appName: 'shoes' }, layout: 'per-resource' }]);
    await page.close();
  });

  test('keyboard: Tab goes through the open fields, the folds, the output and Generate, in reading order', async () => {
    const { page } = await openForm();
    await field(page, 'appName').locator('vscode-text-field input').focus();
    const order: string[] = [];
    for (let i = 0; i < 14; i++) {
      order.push(
        await page.evaluate(() => {
          const a = (
            globalThis as unknown as {
              document: { activeElement: { tagName: string; textContent: string | null; dataset?: { name?: string }; getAttribute(n: string): string | null } };
            }
          ).document.activeElement;
          if (a.dataset?.name) return a.dataset.name;
          if (a.tagName === 'SUMMARY') return `fold:${a.textContent}`;
          return `${a.tagName.toLowerCase()}:${(a.textContent ?? '').trim()}`;
        }),
      );
      await page.keyboard.press('Tab');
    }
    assert.deepEqual(order.slice(0, 12), [
      'appName',
      'fold:More application options (3)',
      'gatewayImage',
      'fold:More gateway options (6)',
      'modelImage',
      'fold:More model options (7)',
      'gatewayServiceType',
      'fold:More exposure options (7)',
      'fold:More scaling options (10)',
      'vscode-radio:One file',
      'vscode-button:Choose folder…',
      'vscode-button:Generate',
    ]);
    await page.close();
  });

  test('on a kind cluster the form starts from the kind-friendly Service type and says why', async () => {
    const { page } = await openForm({ host: new FormHost(preset('gateway-model'), [preset('gateway-model')], true) });
    assert.equal(await page.getByRole('combobox', { name: 'Gateway Service type' }).getAttribute('current-value'), 'ClusterIP');
    assert.equal(
      await page
        .getByRole('combobox', { name: 'Gateway Service type' })
        .getByRole('option', { name: 'ClusterIP (recommended on kind)', includeHidden: true })
        .count(),
      1,
    );
    await page.close();
  });

  test('with several templates a picker switches the form to the other template', async () => {
    const templates = [preset('gateway-model'), preset('ml-microservices')];
    const { page } = await openForm({ host: new FormHost(templates[0], templates) });
    await page.getByRole('combobox', { name: 'Template' }).click();
    await page.getByRole('option', { name: 'ML microservices (movie recommendations)' }).click();
    await previewRendered(page, /^movies-serving$/);
    const visible = await page.locator('.gen-field:visible').evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { name: string } }).dataset.name));
    assert.deepEqual(visible, ['appName', 'imageTag', 'uiServiceType']);
    await page.close();
  });

  test('screenshots in light, dark and high contrast, with no CSP violation', async () => {
    for (const theme of ['light', 'dark', 'high-contrast'] as const) {
      const { page } = await openForm({ theme });
      await typeInto(page, 'appName', 'shoes');
      await previewRendered(page, /^shoes-gateway$/);
      await page.locator('.gen-fold > summary', { hasText: 'More exposure options' }).click();
      await typeInto(page, 'gatewayServicePort', '0');
      await field(page, 'gatewayServicePort').locator('.gen-error').waitFor({ state: 'visible' });
      await screenshot(page, `generator-form-${theme}`);
      assert.deepEqual(await violations(page), []);
      await page.close();
    }
  });
});
