/**
 * Name ordering shared by every tie-break in this folder.
 *
 * Go compares strings byte-wise (UTF-8). JavaScript's `<` compares UTF-16 code units, which gives
 * the same order for every string without characters above U+FFFF mixed with U+E000..U+FFFF.
 * Kubernetes object names are DNS labels (ASCII), so the two orders coincide for every valid name;
 * we use the code-unit order and never `localeCompare` (which depends on the host locale).
 */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
