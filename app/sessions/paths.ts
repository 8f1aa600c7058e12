/**
 * JSON Pointers (what patches and clash lists carry) shown the way the change summary shows paths
 * ("limits.seats", "items[2].name"). A pointer alone cannot tell an array index from a key that looks
 * like a number, so the document it points into decides.
 */
import { formatKeyPath, isPlainObject, parsePointer, type PathSegment } from "~/json";

export function pointerToKeyPath(pointer: string, doc: unknown): string {
  if (pointer === "") return "(whole document)";
  const parsed = parsePointer(pointer);
  if (!parsed.ok) return pointer;
  const path: PathSegment[] = [];
  let node: unknown = doc;
  for (const token of parsed.tokens) {
    if (Array.isArray(node) && /^(0|[1-9]\d*)$/.test(token)) {
      path.push(Number(token));
      node = node[Number(token)];
    } else {
      path.push(token);
      node = isPlainObject(node) && Object.prototype.hasOwnProperty.call(node, token) ? node[token] : undefined;
    }
  }
  return formatKeyPath(path);
}
