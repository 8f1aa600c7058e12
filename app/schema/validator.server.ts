/**
 * JSON Schema (draft 2020-12) for session data, with ajv and ajv-formats, judging numbers by their exact
 * value (docs/decisions/session-data-schema.md).
 *
 * Session data holds numbers a double cannot represent as `JsonNumber`s (their text). ajv sees only
 * JavaScript values, so each check is made on a copy in which every such number is replaced by a double
 * chosen so that ajv's own `type` check answers as the exact value would (an integer-valued text gets an
 * integer double; a non-integer text a non-integer double, even where rounding would have made it whole),
 * and the numeric keywords — minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf — are
 * replaced by versions that compare the exact decimal of the data's text with the exact decimal of the
 * schema's text (app/schema/exact-decimal.ts). The exact texts travel beside the copy in a WeakMap keyed
 * by the copied container, so nothing in the copy is anything but plain JSON.
 *
 * Known limits, stated in the README: `const`, `enum` and `uniqueItems` compare such numbers by the
 * nearest double.
 */
import Ajv2020, { type ErrorObject, type FuncKeywordDefinition, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { formatKeyPath, isJsonNumber, isPlainObject, parseJson, unescapePointerToken, type PathSegment } from "~/json";
import { compareExact, isExactInteger, isExactMultipleOf, parseExactDecimal, type ExactDecimal } from "./exact-decimal";

export interface SchemaIssue {
  /** JSON Pointer of the value the message is about ("" for the whole data). */
  pointer: string;
  /** The same place as the editor and the summaries write it: `limits.seats`, `items[0]`. */
  path: string;
  message: string;
  keyword: string;
  /** Identifies the rule broken at this place, for "makes nothing worse" (see compareIssues). */
  key: string;
}

export type SchemaCompileResult = { ok: true; validator: SessionDataValidator } | { ok: false; problems: string[] };

export interface SessionDataValidator {
  /** Every place the data breaks the schema (empty when it conforms). */
  validate(data: unknown): SchemaIssue[];
}

const NUMERIC_KEYWORDS = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"] as const;
type NumericKeyword = (typeof NUMERIC_KEYWORDS)[number];
const MAX_ISSUES = 200;
const DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

/** A schema text's exact numbers: the schema object that holds them → keyword → text. */
type SchemaNumbers = WeakMap<object, Map<string, string>>;
/** The data copy's exact numbers: the copied container → key → text. */
const dataNumbers = new WeakMap<object, Map<string | number, string>>();

function newAjv(options: { exact: boolean }): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    // Unknown keywords are refused: a misspelt "maxium" would otherwise check nothing, silently.
    strict: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    validateSchema: !options.exact,
    // No network: a $ref ajv cannot resolve within the schema is an error when the schema is saved.
    loadSchema: undefined,
    messages: true,
  });
  addFormats(ajv);
  return ajv;
}

/** Checks schemas against the draft 2020-12 meta-schema. */
let schemaChecker: Ajv2020 | undefined;

/**
 * Reads and compiles a schema's JSON text. Problems are one line each, with the place in the schema:
 * "/properties/plan/enum: must be array".
 */
export function compileSessionSchema(schemaText: string): SchemaCompileResult {
  let parsed: unknown;
  try {
    parsed = parseJson(schemaText);
  } catch (error) {
    return { ok: false, problems: [`The schema is not valid JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
  if (!isPlainObject(parsed) && typeof parsed !== "boolean") return { ok: false, problems: ["A schema must be a JSON object (or true/false)."] };
  const numbers: SchemaNumbers = new WeakMap();
  const schema = plainSchema(parsed, numbers) as object | boolean;
  if (isPlainObject(schema) && schema.$schema !== undefined && schema.$schema !== DRAFT_2020_12) {
    return { ok: false, problems: [`$schema: only draft 2020-12 is supported (${DRAFT_2020_12}), not ${JSON.stringify(schema.$schema)}`] };
  }
  schemaChecker ??= newAjv({ exact: false });
  if (!schemaChecker.validateSchema(schema)) {
    return { ok: false, problems: (schemaChecker.errors ?? []).slice(0, 20).map((error) => `${error.instancePath || "(the schema)"}: ${error.message ?? error.keyword}`) };
  }
  // One ajv per schema: the numeric keywords close over this schema's exact numbers, and compiled
  // schemas never share an id space (two schemas may both say "$id": "session").
  const ajv = newAjv({ exact: true });
  for (const keyword of NUMERIC_KEYWORDS) {
    ajv.removeKeyword(keyword);
    ajv.addKeyword(exactKeyword(keyword, numbers));
  }
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    return { ok: false, problems: [error instanceof Error ? error.message : String(error)] };
  }
  return { ok: true, validator: { validate: (data) => issuesOf(validate, data) } };
}

function issuesOf(validate: ValidateFunction, data: unknown): SchemaIssue[] {
  const copy = hasExactNumbers(data) ? exactCopy(data) : data;
  if (validate(copy)) return [];
  const seen = new Set<string>();
  const issues: SchemaIssue[] = [];
  for (const error of validate.errors ?? []) {
    const issue = toIssue(error, data);
    if (seen.has(issue.key)) continue;
    seen.add(issue.key);
    issues.push(issue);
    if (issues.length >= MAX_ISSUES) break;
  }
  return issues;
}

function toIssue(error: ErrorObject, data: unknown): SchemaIssue {
  const segments = pathOf(error.instancePath, data);
  const path = formatKeyPath(segments) || "(the whole data)";
  let message = error.message ?? `fails "${error.keyword}"`;
  if (error.keyword === "additionalProperties") message = `has a key the schema does not allow: "${String(error.params.additionalProperty)}"`;
  if (error.keyword === "enum" && Array.isArray(error.params.allowedValues)) message = `must be one of ${error.params.allowedValues.map((value) => JSON.stringify(value)).join(", ")}`;
  const params = JSON.stringify(error.params, Object.keys(error.params).sort());
  return { pointer: error.instancePath, path, message, keyword: error.keyword, key: `${error.instancePath} ${error.schemaPath} ${params}` };
}

/** A pointer's segments, array indexes as numbers (found by walking the data: "3" may be a key). */
function pathOf(pointer: string, data: unknown): PathSegment[] {
  if (pointer === "") return [];
  let node = data;
  return pointer
    .slice(1)
    .split("/")
    .map((token) => {
      const key = unescapePointerToken(token);
      const segment: PathSegment = Array.isArray(node) && /^(0|[1-9][0-9]*)$/.test(key) ? Number(key) : key;
      node = Array.isArray(node) ? node[segment as number] : isPlainObject(node) ? node[key] : undefined;
      return segment;
    });
}

/**
 * The schema as plain JSON for ajv: a JsonNumber in it becomes its nearest double, and its text is kept
 * in `numbers` under the object that holds it, for the exact keywords to find.
 */
function plainSchema(value: unknown, numbers: SchemaNumbers): unknown {
  if (Array.isArray(value)) return value.map((item) => plainSchema(item, numbers));
  if (!isPlainObject(value)) return isJsonNumber(value) ? finiteDouble(value.text) : value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (isJsonNumber(item)) {
      let texts = numbers.get(out);
      if (!texts) numbers.set(out, (texts = new Map()));
      texts.set(key, item.text);
    }
    out[key] = plainSchema(item, numbers);
  }
  return out;
}

/** The nearest double, with 1e400 as the largest double (ajv refuses Infinity in a schema). */
function finiteDouble(text: string): number {
  const nearest = Number(text);
  return Number.isFinite(nearest) ? nearest : Math.sign(nearest) * Number.MAX_VALUE;
}

function hasExactNumbers(value: unknown): boolean {
  if (isJsonNumber(value)) return true;
  if (Array.isArray(value)) return value.some(hasExactNumbers);
  if (isPlainObject(value)) {
    for (const key in value) if (hasExactNumbers(value[key])) return true;
  }
  return false;
}

/** The data with each JsonNumber replaced by a stand-in double (see standIn), its text kept aside. */
function exactCopy(value: unknown): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    value.forEach((item, index) => {
      out[index] = copyItem(out, index, item);
    });
    return out;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = copyItem(out, key, value[key]);
    return out;
  }
  return isJsonNumber(value) ? standIn(value.text) : value;
}

function copyItem(container: object, key: string | number, item: unknown): unknown {
  if (!isJsonNumber(item)) return exactCopy(item);
  let texts = dataNumbers.get(container);
  if (!texts) dataNumbers.set(container, (texts = new Map()));
  texts.set(key, item.text);
  return standIn(item.text);
}

/**
 * A double for ajv's own checks of this number text (`type`, and the approximate `const`/`enum`): the
 * nearest double, except that it is an integer exactly when the text's value is one. 1e400 → the largest
 * double; 1e-400 and 9007199254740993.5, which round to whole numbers, get a nearby non-integer.
 */
export function standIn(text: string): number {
  const exact = parseExactDecimal(text);
  const nearest = Number(text);
  if (!Number.isFinite(nearest)) return exact.sign * Number.MAX_VALUE;
  if (isExactInteger(exact) || !Number.isInteger(nearest)) return nearest;
  if (nearest === 0) return exact.sign * Number.MIN_VALUE;
  // Every double from 2^53 up is whole: the largest non-integer below it stands for any larger one.
  if (Math.abs(nearest) >= 2 ** 52) return Math.sign(nearest) * (2 ** 52 - 0.5);
  return nearest + (compareExact(exact, parseExactDecimal(nearest)) < 0 ? -0.5 : 0.5);
}

function exactKeyword(keyword: NumericKeyword, schemaNumbers: SchemaNumbers): FuncKeywordDefinition {
  return {
    keyword,
    type: "number",
    schemaType: "number",
    errors: true,
    compile(schemaValue: number, parentSchema) {
      const limitText = schemaNumbers.get(parentSchema)?.get(keyword) ?? String(schemaValue);
      const limit = parseExactDecimal(limitText);
      const check = (exact: ExactDecimal): boolean => {
        switch (keyword) {
          case "minimum":
            return compareExact(exact, limit) >= 0;
          case "maximum":
            return compareExact(exact, limit) <= 0;
          case "exclusiveMinimum":
            return compareExact(exact, limit) > 0;
          case "exclusiveMaximum":
            return compareExact(exact, limit) < 0;
          case "multipleOf":
            return isExactMultipleOf(exact, limit);
        }
      };
      const comparison = { minimum: ">=", maximum: "<=", exclusiveMinimum: ">", exclusiveMaximum: "<" } as const;
      const validate = (data: number, context?: { parentData?: unknown; parentDataProperty?: string | number }): boolean => {
        const parent = context?.parentData;
        const text = (typeof parent === "object" && parent !== null ? dataNumbers.get(parent)?.get(context!.parentDataProperty!) : undefined) ?? String(data);
        if (check(parseExactDecimal(text))) return true;
        validate.errors = [
          keyword === "multipleOf"
            ? { keyword, params: { multipleOf: limitText }, message: `must be a multiple of ${limitText}` }
            : { keyword, params: { comparison: comparison[keyword], limit: limitText }, message: `must be ${comparison[keyword]} ${limitText}` },
        ] as Partial<ErrorObject>[];
        return false;
      };
      validate.errors = undefined as Partial<ErrorObject>[] | undefined;
      return validate;
    },
  };
}

