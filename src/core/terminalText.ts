/** Text that is safe to print on a terminal, whatever a manifest, a kubeconfig or a server put in it. */

/**
 * Text for a terminal: C0 and C1 control characters (except newline and tab), DEL and the bidi
 * overrides are shown as escapes, so a name or a server message cannot move the cursor, recolour
 * the screen, set the window title (OSC) or reorder what is shown.
 */
export function escapeControlChars(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * Outside text (a server's Event message, a pod name, a tool's output line) as one line of a
 * message: line breaks and tabs become spaces, control characters are escaped as above, and it is
 * cut at `max` characters (`…` marks the cut). Anything but a string, number or boolean is ''.
 */
export function printableLine(text: unknown, max = 500): string {
  const raw = typeof text === 'string' ? text : typeof text === 'number' || typeof text === 'boolean' ? String(text) : '';
  const flat = raw
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
  return escapeControlChars(flat.length > max ? `${flat.slice(0, max - 1)}…` : flat);
}
