/**
 * The smallest single replacement that turns one text into another: the text editor applies an update
 * from the tree view as this edit instead of replacing all 1.7 MB of a 1 MiB session, so monaco re-lays-out
 * only the lines that changed, and the cursor and scroll position elsewhere stay where they were.
 */
/** The part of `next` that differs from `previous`: one replacement range, as string offsets. */
export function changedSpan(previous: string, next: string): { start: number; end: number; text: string } {
  const max = Math.min(previous.length, next.length);
  let start = 0;
  while (start < max && previous.charCodeAt(start) === next.charCodeAt(start)) start++;
  let suffix = 0;
  while (suffix < max - start && previous.charCodeAt(previous.length - 1 - suffix) === next.charCodeAt(next.length - 1 - suffix)) suffix++;
  // Never split a surrogate pair between the kept and the replaced part.
  if (start > 0 && isHighSurrogate(next.charCodeAt(start - 1))) start--;
  if (suffix > 0 && isLowSurrogate(next.charCodeAt(next.length - suffix))) suffix--;
  return { start, end: previous.length - suffix, text: next.slice(start, next.length - suffix) };
}
const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
