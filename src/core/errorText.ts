/** The message of anything thrown (an Error's message, otherwise its string form), for one-line reports. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
