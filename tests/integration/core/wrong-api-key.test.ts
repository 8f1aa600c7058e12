/** A core that refuses the configured API key: the clear 503 page names the cause and the variable to fix. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPage, signIn } from "../../helpers/http";
import { startTestStack, type TestStack } from "../../helpers/stack";

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ apiKey: "the-right-api-key-0123456789", env: { SUPERTOKENS_API_KEY: "a-wrong-api-key-0123456789" } });
});

afterAll(async () => {
  await stack?.stop();
});

describe("a wrong API key", () => {
  it("shows the 503 page that says the key was refused", async () => {
    const cookie = await signIn(stack, "viewer");
    const response = await getPage(`${stack.url}/`, { cookie });
    expect(response.status).toBe(503);
    const html = await response.text();
    expect(html).toContain("refused the API key (401)");
    expect(html).toContain("SUPERTOKENS_API_KEY");
    expect(html).toContain(stack.coreUrl);
  });
});
