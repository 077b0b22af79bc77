/**
 * Text that came from outside (a server's Event message, a pod name, a tool's output) made safe to
 * print: one line, no control characters or terminal escape sequences (which could move the
 * cursor, rewrite earlier lines or set the window title), bounded in length.
 */

// ESC-started sequences (CSI, OSC and friends) first, then any C0/C1 control character left over.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ESCAPES = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])?/g;
// eslint-disable-next-line no-control-regex -- as above
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** One printable line of at most `max` characters (`…` marks a cut). */
export function safeLine(text: unknown, max = 500): string {
  const s = (typeof text === 'string' ? text : typeof text === 'number' || typeof text === 'boolean' ? String(text) : '')
    .replace(ESCAPES, '')
    .replace(/[\r\n\t]+/g, ' ')
    .replace(CONTROLS, '')
    .replace(/\s+/g, ' ')
    .trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
