import { describe, expect, it } from "vitest";
import { parseJson } from "~/json";
import { compareExact, isExactInteger, isExactMultipleOf, parseExactDecimal } from "~/schema/exact-decimal";
import { compileSessionSchema, standIn, type SessionDataValidator } from "~/schema/validator.server";

const d = parseExactDecimal;

function validatorFor(schema: string): SessionDataValidator {
  const compiled = compileSessionSchema(schema);
  if (!compiled.ok) throw new Error(compiled.problems.join("\n"));
  return compiled.validator;
}

describe("exact decimals", () => {
  it("compares by the value the text denotes, not the nearest double", () => {
    expect(compareExact(d("9007199254740993"), d("9007199254740992"))).toBe(1);
    expect(Number("9007199254740993") > Number("9007199254740992")).toBe(false); // what a double would say
    expect(compareExact(d("1.0"), d("1"))).toBe(0);
    expect(compareExact(d("1E+2"), d("100"))).toBe(0);
    expect(compareExact(d("-0"), d("0"))).toBe(0);
    expect(compareExact(d("1e-400"), d("0"))).toBe(1);
    expect(compareExact(d("-1e-400"), d("0"))).toBe(-1);
    expect(compareExact(d("1e400"), d("1e399"))).toBe(1);
    expect(compareExact(d("-1e400"), d("-1e399"))).toBe(-1);
    expect(compareExact(d("19.990000000000001"), d("19.99"))).toBe(1);
    expect(compareExact(d("0.1"), d(0.1))).toBe(0);
    expect(compareExact(d(1e21), d("1000000000000000000000"))).toBe(0);
  });

  it("handles huge exponents without building huge numbers", () => {
    expect(compareExact(d("1e999999999999"), d("2e999999999998"))).toBe(1);
    expect(isExactInteger(d("1e999999999999"))).toBe(true);
    expect(isExactMultipleOf(d("1e999999999"), d("7"))).toBe(false);
    expect(isExactMultipleOf(d("1e999999999"), d("8"))).toBe(true);
  });

  it("knows integers as JSON Schema does", () => {
    expect(isExactInteger(d("1.0"))).toBe(true);
    expect(isExactInteger(d("1.50e1"))).toBe(true); // 15
    expect(isExactInteger(d("1.55e1"))).toBe(false);
    expect(isExactInteger(d("1.25e1"))).toBe(false);
    expect(isExactInteger(d("1.5e2"))).toBe(true);
    expect(isExactInteger(d("9007199254740993"))).toBe(true);
    expect(isExactInteger(d("9007199254740993.5"))).toBe(false);
    expect(isExactInteger(d("1e-400"))).toBe(false);
    expect(isExactInteger(d("0.0"))).toBe(true);
  });

  it("checks multipleOf exactly, where doubles get 0.3 / 0.1 wrong", () => {
    expect(isExactMultipleOf(d("0.3"), d("0.1"))).toBe(true);
    expect(isExactMultipleOf(d("19.99"), d("0.01"))).toBe(true);
    expect(isExactMultipleOf(d("19.990000000000001"), d("0.01"))).toBe(false);
    expect(isExactMultipleOf(d("9007199254740993"), d("2"))).toBe(false);
    expect(isExactMultipleOf(d("9007199254740994"), d("2"))).toBe(true);
    expect(isExactMultipleOf(d("0"), d("3"))).toBe(true);
    expect(isExactMultipleOf(d("-12"), d("4"))).toBe(true);
  });

  it("stands in for an exact number with a double that ajv's type check reads the same way", () => {
    expect(Number.isInteger(standIn("9007199254740993"))).toBe(true);
    expect(Number.isInteger(standIn("9007199254740993.5"))).toBe(false);
    expect(Number.isInteger(standIn("1e-400"))).toBe(false);
    expect(standIn("1e-400")).toBeGreaterThan(0);
    expect(standIn("-1e-400")).toBeLessThan(0);
    expect(Number.isInteger(standIn("0.99999999999999999999"))).toBe(false);
    expect(standIn("1e400")).toBe(Number.MAX_VALUE);
    expect(standIn("-1e400")).toBe(-Number.MAX_VALUE);
  });
});

describe("schema validation on exact values", () => {
  it("applies type integer and maximum to the exact value of data held as text", () => {
    const validator = validatorFor(`{"type":"object","properties":{"id":{"type":"integer","maximum":9007199254740992}}}`);
    const over = parseJson(`{"id": 9007199254740993}`);
    expect(validator.validate(over).map((issue) => [issue.path, issue.message])).toEqual([["id", "must be <= 9007199254740992"]]);
    expect(validator.validate(parseJson(`{"id": 9007199254740992}`))).toEqual([]);
    expect(validator.validate(parseJson(`{"id": 1.0}`))).toEqual([]);
    expect(validator.validate(parseJson(`{"id": 9007199254740991.5}`)).map((issue) => issue.message)).toEqual(["must be integer"]);
    expect(validator.validate(parseJson(`{"id": 1e-400}`)).map((issue) => issue.message)).toEqual(["must be integer"]);
  });

  it("keeps the schema's own exact numbers (a bound past double precision)", () => {
    const validator = validatorFor(`{"type":"object","properties":{"n":{"type":"integer","minimum":9223372036854775807}}}`);
    expect(validator.validate(parseJson(`{"n": 9223372036854775807}`))).toEqual([]);
    const below = validator.validate(parseJson(`{"n": 9223372036854775806}`));
    expect(below.map((issue) => issue.message)).toEqual(["must be >= 9223372036854775807"]);
  });

  it("applies exclusive bounds and multipleOf exactly", () => {
    const validator = validatorFor(`{"type":"object","properties":{"price":{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1e400,"multipleOf":0.01}}}`);
    expect(validator.validate({ price: 19.99 })).toEqual([]);
    expect(validator.validate({ price: 0.3 })).toEqual([]);
    expect(validator.validate(parseJson(`{"price": 19.990000000000001}`)).map((issue) => issue.message)).toEqual(["must be a multiple of 0.01"]);
    expect(validator.validate(parseJson(`{"price": 0e5}`)).map((issue) => issue.message)).toEqual(["must be > 0"]);
    expect(validator.validate(parseJson(`{"price": 1e400}`)).map((issue) => issue.message)).toEqual(["must be < 1e400"]);
  });

  it("finds exact numbers in arrays and nested objects, and plain doubles still work", () => {
    const validator = validatorFor(`{"type":"object","properties":{"ids":{"type":"array","items":{"type":"integer","maximum":9007199254740992}}}}`);
    const issues = validator.validate(parseJson(`{"ids": [1, 9007199254740992, 9007199254740993, 2.5]}`));
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      ["ids[2]", "must be <= 9007199254740992"],
      ["ids[3]", "must be integer"],
    ]);
  });

  it("refuses schemas that are not draft 2020-12 schemas, with the place", () => {
    const bad = compileSessionSchema(`{"type":"object","properties":{"a":{"maximum":"ten"}}}`);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems[0]).toMatch(/\/properties\/a\/maximum: must be number/);
    const typo = compileSessionSchema(`{"type":"object","maxium":3}`);
    expect(!typo.ok && typo.problems[0]).toMatch(/unknown keyword: "maxium"/);
    const remote = compileSessionSchema(`{"$ref":"https://example.com/schema.json"}`);
    expect(!remote.ok && remote.problems[0]).toMatch(/can't resolve reference/);
    expect(compileSessionSchema(`{"type":`).ok).toBe(false);
    expect(compileSessionSchema(`[1]`).ok).toBe(false);
    const draft7 = compileSessionSchema(`{"$schema":"http://json-schema.org/draft-07/schema#"}`);
    expect(draft7.ok).toBe(false);
  });

  it("uses formats from ajv-formats and names keys the schema does not allow", () => {
    const validator = validatorFor(`{"type":"object","properties":{"email":{"type":"string","format":"email"}},"additionalProperties":false}`);
    const issues = validator.validate({ email: "nope", extra: 1 });
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      ["(the whole data)", `has a key the schema does not allow: "extra"`],
      ["email", `must match format "email"`],
    ]);
  });
});
