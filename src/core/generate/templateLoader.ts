import * as path from 'node:path';
import { parseTemplate } from './templateParser';
import { TemplateError, type Template } from './templateTypes';
import { errorText } from '../errorText';

/** Folder inside a workspace that holds the user's own templates. */
export const WORKSPACE_TEMPLATES_DIR = '.kube-topology/templates';
/** The file that marks the folder of the built-in presets. */
const BUILT_IN_MARKER = 'gateway-model.yaml';

/**
 * File access, passed in so the loader works on disk (CLI), on `vscode.workspace.fs` (editor)
 * and in memory (tests). Paths are opaque strings the callbacks understand (paths or URIs).
 */
export interface TemplateFileAccess {
  /** File names in a folder, or undefined when it does not exist. */
  listDir(dir: string): Promise<string[] | undefined>;
  readFile(file: string): Promise<string>;
  join(dir: string, name: string): string;
}

export interface TemplateDirectory {
  dir: string;
  builtIn?: boolean;
}

export interface LoadedTemplates {
  /** One template per name; a later folder's template replaces an earlier one of the same name. */
  templates: Template[];
  /** Files that could not be read as templates (reported, never fatal for the others). */
  errors: TemplateError[];
  /** Templates replaced by a later folder's template of the same name. */
  shadowed: Template[];
}

/** Reads every `*.yaml`/`*.yml` file of the folders in order (built-ins first, then the user's). */
export async function loadTemplates(dirs: readonly TemplateDirectory[], access: TemplateFileAccess): Promise<LoadedTemplates> {
  const byName = new Map<string, Template>();
  const errors: TemplateError[] = [];
  const shadowed: Template[] = [];
  for (const { dir, builtIn } of dirs) {
    let names: string[] | undefined;
    try {
      names = await access.listDir(dir);
    } catch (e) {
      errors.push(new TemplateError(dir, `cannot read folder (${errorText(e)})`));
      continue;
    }
    if (!names) continue;
    for (const name of [...names].sort()) {
      if (!/\.ya?ml$/i.test(name)) continue;
      const file = access.join(dir, name);
      let text: string;
      try {
        text = await access.readFile(file);
      } catch (e) {
        errors.push(new TemplateError(file, `cannot read (${errorText(e)})`));
        continue;
      }
      try {
        const t = parseTemplate(text, file, Boolean(builtIn));
        const prev = byName.get(t.name);
        if (prev) shadowed.push(prev);
        byName.set(t.name, t);
      } catch (e) {
        if (e instanceof TemplateError) errors.push(e);
        else errors.push(new TemplateError(file, errorText(e)));
      }
    }
  }
  return { templates: [...byName.values()], errors, shadowed };
}

/**
 * Finds the shipped `templates/` folder by walking up from a start folder (the bundle's
 * `__dirname`: `dist/` in the packaged extension and CLI, `out/src/...` in tests).
 */
export async function findBuiltInTemplatesDir(startDir: string, exists: (p: string) => boolean | Promise<boolean>): Promise<string | undefined> {
  let dir = path.resolve(startDir);
  for (;;) {
    const candidate = path.join(dir, 'templates');
    if (await exists(path.join(candidate, BUILT_IN_MARKER))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
