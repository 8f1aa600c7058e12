/**
 * What a page or an export writes is bounded by the data, not amplified by its depth: about 4 KB of data
 * nested 1,990 levels deep once made a 15.8 MB user page and a 10.5 MB export (2-space indentation at
 * every level is quadratic in the depth). Indentation now stops at MAX_INDENTED_DEPTH, so each stays within
 * a small multiple of the data, and the export still holds exactly the data. Over HTTP against the built app
 * and a local core.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn } from "../../helpers/http";
import { createCoreUserWithSession, startTestStack, type TestStack } from "../../helpers/stack";

const DEPTH = 1_990;
let stack: TestStack;
let admin: string;
let deep: { userId: string; sessionHandle: string };
let dataBytes: number;

function nestedArrays(depth: number): unknown {
  let value: unknown = "bottom";
  for (let level = 0; level < depth; level++) value = [value];
  return value;
}

beforeAll(async () => {
  stack = await startTestStack();
  admin = await signIn(stack, "admin");
  const data = { deep: nestedArrays(DEPTH), plan: "free" };
  dataBytes = JSON.stringify(data).length;
  deep = await createCoreUserWithSession(stack, { sessionData: data });
});
afterAll(async () => {
  await stack?.stop();
});

const get = (path: string) => fetch(`${stack.url}${path}`, { headers: { Cookie: admin } });

describe(`data nested ${DEPTH} levels deep (${"about 4 KB"})`, () => {
  it("makes a user page and a session page of a size near the data's, not megabytes", async () => {
    expect(dataBytes).toBeLessThan(4_200);
    for (const path of [`/users/${deep.userId}`, `/users/${deep.userId}?open=${encodeURIComponent(deep.sessionHandle)}`, `/users/${deep.userId}/sessions/${deep.sessionHandle}`]) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      const html = await response.text();
      // The page shell is about 20-40 KB; the data appears a few times (HTML and hydration data). Before
      // the bound, the user page was 15.8 MB.
      expect(html.length, path).toBeLessThan(150_000);
    }
  });

  it("makes an export of a size near the data's, holding exactly the data", async () => {
    const response = await get(`/users/${deep.userId}/export`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.length).toBeLessThan(20_000);
    const exported = JSON.parse(text) as { sessions: { sessionHandle: string; sessionDataInDatabase: unknown }[] };
    const session = exported.sessions.find((entry) => entry.sessionHandle === deep.sessionHandle)!;
    expect(session.sessionDataInDatabase).toEqual({ deep: nestedArrays(DEPTH), plan: "free" });
    // The top levels are still laid out on lines, as before.
    expect(text).toMatch(/\n {6}"sessionDataInDatabase": \{\n {8}"deep": \[/);
  });
});
