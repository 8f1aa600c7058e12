/**
 * With a real core (not the bundled one): no default accounts, the sign-in page says how to create the
 * first admin, and demo accounts left in the database are disabled and refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPage, postForm, signInAs } from "../../helpers/http";
import { startTestStack, type TestStack } from "../../helpers/stack";

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ apiKey: "real-core-api-key-0123456789", env: { SESSION_DESK_BUNDLED_CORE: "false" } });
});
afterAll(async () => {
  await stack?.stop();
});

describe("with a real core", () => {
  it("creates no staff accounts", async () => {
    const { listStaffAccounts } = await import("../../../app/staff/accounts.server");
    expect(await listStaffAccounts()).toEqual([]);
  });

  it("the sign-in page has no demo notice and says how to create the first admin", async () => {
    const html = await (await getPage(`${stack.url}/login`)).text();
    expect(html).not.toContain("Demo mode");
    expect(html).not.toContain("demo-admin-password");
    expect(html).toContain("npm run staff -- create --email you@company.com --role admin");
  });

  it("once an admin exists, the page no longer offers the command", async () => {
    const admin = await stack.createStaff("admin");
    const html = await (await getPage(`${stack.url}/login`)).text();
    expect(html).not.toContain("npm run staff -- create");
    const cookie = await signInAs(stack, admin);
    expect((await getPage(`${stack.url}/staff`, { cookie })).status).toBe(200);
  });

  it("refuses demo accounts, whose passwords are published", async () => {
    const { ensureDemoStaff, DEMO_ACCOUNTS } = await import("../../../app/staff/demo.server");
    await ensureDemoStaff();
    const demoAdmin = DEMO_ACCOUNTS.find((account) => account.role === "admin")!;
    const response = await postForm(`${stack.url}/login`, { email: demoAdmin.email, password: demoAdmin.password });
    expect(response.status).toBe(401);
    // …and start-up disables them so the staff page shows it.
    const { prepareDashboard } = await import("../../../server/prepare");
    const lines: string[] = [];
    await prepareDashboard({ dataDir: stack.dataDir, log: (line) => lines.push(line) });
    expect(lines.join("\n")).toContain("Disabled 3 demo staff account(s)");
  });
});
