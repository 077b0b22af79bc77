/**
 * Paths as the analysis names files: absolute paths in the CLI (`/repo/k8s/a.yaml`, or
 * `C:\repo\k8s\a.yaml`), URI strings in the editor (`file:///repo/k8s/a.yaml`), or relative names
 * in tests. Apply units need folders, parents and `../base` resolved the way kustomize and kubectl
 * do; these helpers do it on the path part with `/` separators and keep a URI's prefix.
 */

export interface SplitPath {
  /** `file://`, `vscode-remote://host`, or '' for plain paths. */
  prefix: string;
  /** The path with `/` separators, percent-decoded for URIs. */
  path: string;
}

const URI = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/]*)(\/.*)?$/;

export function splitPath(file: string): SplitPath {
  const m = URI.exec(file);
  if (m) {
    let path = m[2] ?? '/';
    try {
      path = decodeURIComponent(path);
    } catch {
      // A malformed escape: keep the text as written.
    }
    return { prefix: m[1], path };
  }
  return { prefix: '', path: file.replace(/\\/g, '/') };
}

/** A comparable key for a file or folder: prefix and normalized path. */
export function pathKey(file: string): string {
  const { prefix, path } = splitPath(file);
  return prefix + normalizePath(path);
}

/** Removes `.`, empty segments and resolves `..` (never above the root of an absolute path). */
export function normalizePath(path: string): string {
  const absolute = path.startsWith('/');
  const drive = /^[a-zA-Z]:\//.exec(path)?.[0] ?? '';
  const body = drive ? path.slice(drive.length) : path;
  const out: string[] = [];
  for (const seg of body.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!absolute && !drive) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const joined = out.join('/');
  if (drive) return drive + joined;
  return absolute ? `/${joined}` : joined;
}

/** The folder of a key ('' for a bare name). */
export function dirKey(key: string): string {
  const i = key.lastIndexOf('/');
  if (i === -1) return '';
  const dir = key.slice(0, i);
  // `/a.yaml` lives in `/`; `file:///a.yaml` in `file:///`.
  return dir === '' || dir.endsWith(':/') || dir.endsWith('//') || /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/]*$/.test(dir) ? key.slice(0, i + 1) : dir;
}

/** The last segment of a key. */
export function baseName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/** `dir` joined with a relative `ref` (as written in a kustomization), normalized. */
export function joinKey(dir: string, ref: string): string {
  const { prefix, path } = splitPath(dir);
  const rel = ref.replace(/\\/g, '/');
  if (rel.startsWith('/')) return prefix + normalizePath(rel);
  return prefix + normalizePath(path === '' ? rel : `${path.replace(/\/$/, '')}/${rel}`);
}

/** Whether `key` is `dir` itself or inside it. */
export function isWithin(key: string, dir: string): boolean {
  if (dir === '') return true;
  const d = dir.endsWith('/') ? dir : `${dir}/`;
  return key === dir || key.startsWith(d);
}

/** `key` relative to `base` (both keys), for display; the key itself when it is not inside. */
export function relativeKey(key: string, base: string): string {
  if (base === '' || !isWithin(key, base)) return key;
  const rest = key.slice(base.length).replace(/^\//, '');
  return rest === '' ? '.' : rest;
}
