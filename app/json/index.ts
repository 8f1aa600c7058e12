// The public API of the shared JSON logic. Pure functions only: safe in the browser and on the server.

export type { JsonObject, JsonPrimitive, JsonValue, PathSegment } from "./value";
export { isJsonNumber, JsonNumber, numberText, parseJson, restoreExactNumbers, stringifyJson } from "./exact-number";
export { cloneJson, deepEqual, describeType, isPlainObject } from "./value";
export { byteSize, canonicalJson, fingerprint, fingerprintOfCanonical, FINGERPRINT_PREFIX, layoutJson, MAX_INDENTED_DEPTH, prettyJson } from "./canonical";
export { sha256Hex, utf8Length } from "./sha256";
export { formatBytes, previewValue } from "./format";
export { parseSessionDataText, type ParseSessionDataOptions, type ParseSessionDataResult } from "./parse";
export {
  comparePaths, diffJson, summarizeChanges,
  type Change, type ChangeKind, type ChangeSummary, type ChangeSummaryItem, type ChangeSymbol,
} from "./diff";
export {
  applyPatch, createPatch, findConflicts, patchFromChanges, invertPatch, patchPaths, PatchError, rebase,
  type Operation, type RebaseResult,
} from "./patch";
export {
  deleteAt, formatKeyPath, getAt, parseKeyPath, setAt, toPointer,
  type EditResult, type KeyPathParse,
} from "./key-path";
export { escapePointerToken, parsePointer, unescapePointerToken } from "./pointer";
