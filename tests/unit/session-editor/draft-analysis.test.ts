import { describe, expect, it } from "vitest";
import { JsonNumber, prettyJson, stringifyJson, type JsonObject } from "~/json";
import { analyseDraft, exactNumberPaths, formatDraft, readOriginal, restoreExactPaths, reviewDraft, valueToTransferText } from "~/components/session-editor/draft-analysis";
import { changedSpan } from "~/components/session-editor/text-span";

const MAX = 1024 * 1024;
const originalText = prettyJson({ plan: "free", id: new JsonNumber("9223372036854775807"), limits: { seats: 5 } });

describe("analyseDraft (the status line, the tree and the dirty flag)", () => {
  it("counts the changes and keeps exact numbers", () => {
    const original = readOriginal(originalText);
    const result = analyseDraft(original, originalText.replace('"seats": 5', '"seats": 10'), MAX);
    expect(result).toMatchObject({ ok: true, changeCount: 1, dirty: true });
    if (!result.ok) return;
    expect(result.exactPaths).toEqual([["id"]]);
    expect(stringifyJson(result.value)).toContain("9223372036854775807");
  });

  it("formatting and key order alone are not changes", () => {
    const original = readOriginal(originalText);
    const reordered = '{"limits":{"seats":5},"id":9223372036854775807,"plan":"free"}';
    expect(analyseDraft(original, reordered, MAX)).toMatchObject({ ok: true, changeCount: 0, dirty: false });
  });

  it("answers the shared parser's message for invalid text", () => {
    const original = readOriginal(originalText);
    const result = analyseDraft(original, '{"plan": }', MAX);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^Line 1, column/);
  });
});

describe("exact numbers across a structured clone", () => {
  it("restores the plain { text } objects a clone leaves at the listed paths", () => {
    const original = readOriginal('{"a": [1, 1.0], "__proto__": {"b": 1e400}}');
    const paths = exactNumberPaths(original.value);
    expect(paths).toEqual([["a", 1], ["__proto__", "b"]]);
    const cloned = structuredClone(original.value) as JsonObject;
    expect((cloned.a as unknown[])[1]).not.toBeInstanceOf(JsonNumber);
    restoreExactPaths(cloned, paths);
    expect((cloned.a as unknown[])[1]).toBeInstanceOf(JsonNumber);
    expect(stringifyJson(cloned)).toBe('{"a":[1,1.0],"__proto__":{"b":1e400}}');
    expect(Object.getPrototypeOf(cloned)).toBe(Object.prototype);
  });
});

describe("exact numbers across the worker's JSON text", () => {
  it("writes exact numbers as strings of their text, and restores them at their paths", () => {
    const original = readOriginal('{"a": [1, 1.0], "__proto__": {"b": 1e400}, "c": "1.0"}');
    const text = valueToTransferText(original.value);
    expect(text).toBe('{"a":[1,"1.0"],"__proto__":{"b":"1e400"},"c":"1.0"}');
    const value = restoreExactPaths(JSON.parse(text) as JsonObject, exactNumberPaths(original.value));
    expect(stringifyJson(value)).toBe('{"a":[1,1.0],"__proto__":{"b":1e400},"c":"1.0"}');
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });
});

describe("reviewDraft and formatDraft", () => {
  it("prepares both pretty sides and the summary", () => {
    const original = readOriginal(originalText);
    const edited = originalText.replace('"free"', '"pro"');
    const review = reviewDraft(original, edited, MAX);
    expect(review).toMatchObject({ ok: true, text: edited, prettyOriginal: originalText });
    if (review.ok) expect(review.summary.text).toBe('1 change: ~ plan "free" → "pro"');
    expect(reviewDraft(original, "[]", MAX).ok).toBe(false);
  });

  it("formats with two spaces, keeping key order and exact numbers", () => {
    expect(formatDraft('{"b":1.0,"a":2}', MAX)).toEqual({ ok: true, text: '{\n  "b": 1.0,\n  "a": 2\n}' });
  });
});

describe("changedSpan (a tree edit applied to the text editor)", () => {
  it("finds the one differing range", () => {
    expect(changedSpan('{"a": 5, "b": 1}', '{"a": 10, "b": 1}')).toEqual({ start: 6, end: 7, text: "10" });
    expect(changedSpan("abc", "abc")).toEqual({ start: 3, end: 3, text: "" });
    expect(changedSpan("abc", "abXc")).toEqual({ start: 2, end: 2, text: "X" });
    expect(changedSpan("aaa", "aa")).toEqual({ start: 2, end: 3, text: "" });
  });

  it("never splits a surrogate pair", () => {
    const before = "x\u{1F98A}y";
    const after = "x\u{1F98B}y";
    const span = changedSpan(before, after);
    expect(before.slice(0, span.start) + span.text + before.slice(span.end)).toBe(after);
    expect(span.text).toBe("\u{1F98B}");
  });

  it("applied to the old text always gives the new one", () => {
    const cases: Array<[string, string]> = [["", "x"], ["x", ""], ["aXa", "aa"], ["ab", "ba"], ["🦊🦊", "🦊🐼🦊"]];
    for (const [a, b] of cases) {
      const span = changedSpan(a, b);
      expect(a.slice(0, span.start) + span.text + a.slice(span.end)).toBe(b);
    }
  });
});
