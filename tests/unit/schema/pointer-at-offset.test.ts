import { describe, expect, it } from "vitest";
import { pointerAtOffset } from "~/components/session-editor/pointer-at-offset";

const text = `{
  "plan": "Pro",
  "limits": { "seats": -1, "a/b": [1, {"x": true}] },
  "tags": ["a", "b"]
}`;
const at = (needle: string, shift = 0) => pointerAtOffset(text, text.indexOf(needle) + shift);

describe("pointerAtOffset", () => {
  it("finds values, keys, array items and containers", () => {
    expect(at(`"Pro"`)).toBe("/plan");
    expect(at(`"plan"`)).toBe("/plan");
    expect(at(`-1`)).toBe("/limits/seats");
    expect(at(`{ "seats"`)).toBe("/limits");
    expect(at(`true`)).toBe("/limits/a~1b/1/x");
    expect(at(`"b"]`)).toBe("/tags/1");
    expect(pointerAtOffset(text, 0)).toBe("");
  });
});
