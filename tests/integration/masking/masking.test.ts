/**
 * Masking of sensitive values (#17 §2) over real HTTP, against the bundled core with the real SDK:
 * - a viewer fetches every page and resource that carries session data, and no hidden value is in any body;
 * - a masked editor's write keeps every hidden value byte for byte, and a write that would change, delete
 *   or invent a hidden value is refused with nothing written; the conflict check still works;
 * - "Reveal" needs a reason, is audited, shows the values to that staff member only, and ends by itself;
 * - the admin page: patterns (with their syntax errors), roles, and its own change log.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseJson, stringifyJson } from "../../../app/json";
import { getPage, postForm, signInNew } from "../../helpers/http";
import { writeSnapshot, type TestStack } from "../../helpers/stack";
import { loadSessionPage, pageUrl, postData, postEdit, SESSION_ROUTE, startStackAsApp } from "../sessions/helpers";

const MASK = "•••• (masked)";
const SECRETS = ["198.51.100.77", "tok_SECRET_4f9a", "77 Hidden Lane", "dotted-secret", "tok_SECRET_BULK"];
/** Exact JSON text, as the core holds it (a 64-bit integer and 1.0 included). */
const SECRET_DATA_TEXT =
  '{"plan":"free","device":{"os":"iOS 18.1","ip":"198.51.100.77"},"upstream":{"token":"tok_SECRET_4f9a","region":"eu"},"cart":{"address":{"street":"77 Hidden Lane","zip":"99999"},"items":[{"sku":"tea","qty":1}]},"a.b":{"c":"dotted-secret","d":"visible-dotted"},"big":9223372036854775807,"ratio":1.0}';

let stack: TestStack;
let viewer: { cookie: string; id: string };
let editor: { cookie: string; id: string };
let admin: { cookie: string; id: string };

beforeAll(async () => {
  stack = await startStackAsApp({
    env: { AUDIT_REASON_REQUIRED: "false", MASK_PATTERNS: 'device.ip, **.token, cart.address.*, "a.b".c', MASK_REVEAL_MINUTES: "5" },
  });
  for (const [role, set] of [
    ["viewer", (value: typeof viewer) => (viewer = value)],
    ["editor", (value: typeof viewer) => (editor = value)],
    ["admin", (value: typeof viewer) => (admin = value)],
  ] as const) {
    const signedIn = await signInNew(stack, role);
    set({ cookie: signedIn.cookie, id: signedIn.staff.id });
  }
});

afterAll(async () => {
  await stack?.stop();
});

/** A user and one session holding SECRET_DATA_TEXT, made over the core's own HTTP API from the exact text. */
async function userWithSecretSession(dataText = SECRET_DATA_TEXT): Promise<{ userId: string; handle: string }> {
  const email = `masked-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const signUp = await coreCall("/recipe/signup", "emailpassword", JSON.stringify({ email, password: "Passw0rd-fixture" }));
  const userId = (signUp.user as { id: string }).id;
  // The body is written by hand so 9223372036854775807 and 1.0 reach the core as written.
  const session = await coreCall("/recipe/session", "session", `{"userId":${JSON.stringify(userId)},"enableAntiCsrf":false,"userDataInJWT":{},"userDataInDatabase":${dataText}}`);
  return { userId, handle: (session.session as { handle: string }).handle };
}

async function coreCall(route: string, rid: string, body: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${stack.coreUrl}${route}`, { method: "POST", headers: { "content-type": "application/json", "cdi-version": "5.4", rid }, body });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** What the core holds, as exact JSON text: the core's raw answer read with the exact-number parser. */
async function coreText(handle: string): Promise<string> {
  const response = await fetch(`${stack.coreUrl}/recipe/session?sessionHandle=${encodeURIComponent(handle)}`, { headers: { "cdi-version": "5.4", rid: "session" } });
  expect(response.status).toBe(200);
  return stringifyJson((parseJson(await response.text()) as { userDataInDatabase: unknown }).userDataInDatabase) as string;
}

async function bodyOf(path: string, cookie: string): Promise<{ status: number; text: string }> {
  const response = await getPage(`${stack.url}${path}`, { cookie });
  return { status: response.status, text: await response.text() };
}

function expectNoSecret(what: string, text: string) {
  for (const secret of SECRETS) expect(text.includes(secret), `${what} contains ${secret}`).toBe(false);
}

async function waitForRun(runId: string, cookie: string) {
  for (let i = 0; i < 500; i++) {
    const progress = (await (await getPage(`${stack.url}/bulk/runs/${runId}/progress`, { cookie })).json()) as { status: string };
    if (progress.status === "completed") return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("the bulk run did not complete");
}

describe("a viewer sees no hidden value anywhere", () => {
  it("in every page and resource that carries session data", async () => {
    const { userId, handle } = await userWithSecretSession();
    const user = encodeURIComponent(userId);
    const session = encodeURIComponent(handle);

    // Things for the pages to show: an admin's edit (audit before/after/patch hold the secrets, the new
    // token too), a bulk dry run and run setting a token, and a revoke-all of another user's sessions.
    const adminPage = await loadSessionPage(stack, userId, handle, admin.cookie);
    expect(adminPage.originalText).toContain("tok_SECRET_4f9a"); // admins see every value by default
    const edited = adminPage.originalText.replace('"plan": "free"', '"plan": "pro"').replace('"region": "eu"', '"region": "us"');
    const written = await postEdit(stack, adminPage, { intent: "write", text: edited, reason: "ticket 1" }, admin.cookie);
    expect(written.status, JSON.stringify(written.body)).toBe(204);
    const dryRun = await postForm(`${stack.url}/users/${user}/bulk`, { intent: "dry-run", keyPath: "upstream.token", operation: "set", value: '"tok_SECRET_BULK"', scope: "all", reason: "rotate" }, { cookie: admin.cookie });
    expect(dryRun.status).toBe(302);
    const runId = dryRun.headers.get("Location")!.split("/").pop()!;
    const planned = await bodyOf(`/bulk/runs/${runId}`, viewer.cookie);
    expect(planned.status).toBe(200);
    expectNoSecret("the dry run page", planned.text);
    expect(planned.text).toContain(MASK);
    expect((await postForm(`${stack.url}/bulk/runs/${runId}`, { intent: "apply" }, { cookie: admin.cookie })).status).toBe(302);
    await waitForRun(runId, admin.cookie);
    expect(await coreText(handle)).toContain("tok_SECRET_BULK");
    const other = await userWithSecretSession();
    const revokeAll = await postForm(`${stack.url}/users/${encodeURIComponent(other.userId)}`, { intent: "revoke-all", reason: "offboarding", confirmCount: "1" }, { cookie: admin.cookie });
    expect(revokeAll.status).toBe(302);

    const { queryAudit } = await import("../../../app/audit/audit.server");
    const entries = [...(await queryAudit({ session: handle, pageSize: 50 })).entries, ...(await queryAudit({ user: other.userId, pageSize: 50 })).entries];
    const runEntries = (await queryAudit({ run: runId, pageSize: 50 })).entries;
    expect(entries.some((entry) => entry.action === "edit")).toBe(true);
    expect(entries.some((entry) => entry.action === "revoke-all")).toBe(true);
    expect(runEntries.some((entry) => entry.action === "bulk-apply-run")).toBe(true);

    const paths = [
      `/users/${user}`,
      `/users/${user}?_data=${encodeURIComponent("routes/users.$userId._index")}`,
      `/users/${user}/sessions/${session}`,
      `/users/${user}/sessions/${session}?_data=${encodeURIComponent(SESSION_ROUTE)}`,
      `/users/${user}/sessions/${session}?keys=sorted`,
      `/users/${user}/export`,
      `/audit`,
      `/audit?_data=${encodeURIComponent("routes/audit._index")}`,
      `/audit?session=${session}`,
      `/audit?run=${runId}`,
      `/audit?user=${encodeURIComponent(other.userId)}`,
      `/bulk/runs/${runId}`,
      `/bulk/runs/${runId}?show=all`,
      `/bulk/runs/${runId}?_data=${encodeURIComponent("routes/bulk.runs.$runId")}`,
      ...[...entries, ...runEntries].map((entry) => `/audit/${entry.id}`),
    ];
    for (const path of paths) {
      const { status, text } = await bodyOf(path, viewer.cookie);
      expect(status, path).toBe(200);
      expectNoSecret(path, text);
    }
    // The same pages do show the data (the sweep is not passing on empty pages): masked where hidden.
    const sessionPage = await bodyOf(`/users/${user}/sessions/${session}?_data=${encodeURIComponent(SESSION_ROUTE)}`, viewer.cookie);
    expect(sessionPage.text).toContain(MASK);
    expect(sessionPage.text).toContain("visible-dotted");
    const exported = await bodyOf(`/users/${user}/export`, viewer.cookie);
    expect(exported.text).toContain(MASK);
    expect(exported.text).toContain("9223372036854775807");
    const editEntry = entries.find((entry) => entry.action === "edit")!;
    const auditPage = await bodyOf(`/audit/${editEntry.id}`, viewer.cookie);
    expect(auditPage.text).toContain(MASK);
    expect(auditPage.text).toContain("us"); // the visible change is there
    // An admin (not masked by default) still sees the real values.
    expect((await bodyOf(`/audit/${editEntry.id}`, admin.cookie)).text).toContain("tok_SECRET_4f9a");
  });

  it("the page holds a sealed fingerprint, not the data's own (a hidden value cannot be guessed offline)", async () => {
    const { userId, handle } = await userWithSecretSession();
    const { fingerprint, parseJson } = await import("../../../app/json");
    const real = fingerprint(parseJson(SECRET_DATA_TEXT));
    const page = await loadSessionPage(stack, userId, handle, viewer.cookie);
    expect(page.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(page.fingerprint).not.toBe(real);
    expect(page.data.masking).toMatchObject({ masked: true, applies: true, hidden: 5, revealedUntil: null }); // device.ip, upstream.token, cart.address.street and .zip, "a.b".c
    // With nothing hidden in a session, the page has the plain fingerprint.
    const plain = await userWithSecretSession('{"plan":"free"}');
    const plainPage = await loadSessionPage(stack, plain.userId, plain.handle, viewer.cookie);
    expect(plainPage.fingerprint).toBe(fingerprint({ plan: "free" }));
  });
});

describe("a masked editor's write", () => {
  it("keeps every hidden value byte for byte while other keys change", async () => {
    const { userId, handle } = await userWithSecretSession();
    const page = await loadSessionPage(stack, userId, handle, editor.cookie);
    expectNoSecret("the editor's page", JSON.stringify(page.data));
    const text = page.originalText.replace('"plan": "free"', '"plan": "pro"').replace('"d": "visible-dotted"', '"d": "changed-dotted"');
    const answer = await postEdit(stack, page, { intent: "write", text, reason: "ticket 2" }, editor.cookie);
    expect(answer.status, JSON.stringify(answer.body)).toBe(204);
    expect(answer.toast?.title).toBe("Session data updated — 2 changes");
    expectNoSecret("the toast", JSON.stringify(answer.toast));
    expect(await coreText(handle)).toBe(SECRET_DATA_TEXT.replace('"plan":"free"', '"plan":"pro"').replace('"d":"visible-dotted"', '"d":"changed-dotted"'));
  });

  it("refuses changing, deleting or inventing a hidden value, and writes nothing", async () => {
    const { userId, handle } = await userWithSecretSession();
    const page = await loadSessionPage(stack, userId, handle, editor.cookie);
    const attempts = [
      [page.originalText.replace(`"ip": "${MASK}"`, '"ip": "10.0.0.1"'), /device\.ip \(changed\)/],
      [page.originalText.replace(`"token": "${MASK}",`, ""), /upstream\.token \(deleted\)/],
      [page.originalText.replace('"plan": "free"', `"plan": "${MASK}"`), /stands where no hidden value is \(plan\)/],
    ] as const;
    for (const [text, message] of attempts) {
      expect(text).not.toBe(page.originalText);
      const before = await writeSnapshot(stack);
      const answer = await postEdit(stack, page, { intent: "write", text }, editor.cookie);
      expect(answer.status).toBe(400);
      expect(answer.body?.kind).toBe("invalid");
      expect(answer.body?.error).toMatch(message);
      expect(await writeSnapshot(stack)).toBe(before);
    }
    expect(await coreText(handle)).toBe(SECRET_DATA_TEXT);
  });

  it("still finds a conflict (the real data's fingerprint), and the conflict view is masked", async () => {
    const { userId, handle } = await userWithSecretSession();
    const page = await loadSessionPage(stack, userId, handle, editor.cookie);
    // The app changes the session behind the dashboard's back: a hidden value only.
    const { updateSessionData, getSessionInfo } = await import("../../../app/core/sessions.server");
    const info = await getSessionInfo(handle);
    await updateSessionData(handle, { ...info!.sessionDataInDatabase, upstream: { token: "tok_SECRET_4f9a-rotated", region: "eu" } });
    const text = page.originalText.replace('"plan": "free"', '"plan": "pro"');
    const answer = await postEdit(stack, page, { intent: "write", text, reason: "ticket 3" }, editor.cookie);
    expect(answer.status).toBe(409);
    expect(answer.body?.kind).toBe("conflict");
    expectNoSecret("the conflict answer", JSON.stringify(answer.body));
    expect(JSON.stringify(answer.body)).not.toContain("rotated");
    // "Apply mine to theirs" writes my change on top of theirs, hidden values kept.
    const applied = await postData(pageUrl(stack, userId, handle), SESSION_ROUTE, {
      intent: "apply-mine-to-theirs",
      text,
      original: page.originalText,
      fingerprint: page.fingerprint,
      theirsFingerprint: String(answer.body!.theirsFingerprint),
      reason: "ticket 3",
    }, editor.cookie);
    expect(applied.status, JSON.stringify(applied.body)).toBe(204);
    const now = await coreText(handle);
    expect(now).toContain('"plan":"pro"');
    expect(now).toContain('"token":"tok_SECRET_4f9a-rotated"');
    expect(now).toContain('"big":9223372036854775807');
  });
});

describe("reveal", () => {
  it("needs a reason, is audited, lasts MASK_REVEAL_MINUTES for that staff member only, and can be ended", async () => {
    const { userId, handle } = await userWithSecretSession();
    const revealUrl = `${pageUrl(stack, userId, handle)}/reveal`;
    const { queryAudit } = await import("../../../app/audit/audit.server");
    const before = await writeSnapshot(stack);
    const noReason = await postForm(revealUrl, { intent: "reveal", reason: "  " }, { cookie: viewer.cookie });
    expect(noReason.status).toBe(302);
    expect(await writeSnapshot(stack)).toBe(before);

    const revealed = await postForm(revealUrl, { intent: "reveal", reason: "Ticket #77: wrong address" }, { cookie: viewer.cookie });
    expect(revealed.status).toBe(302);
    const entry = (await queryAudit({ session: handle, pageSize: 10 })).entries.find((item) => item.action === "reveal");
    expect(entry).toMatchObject({ reason: "Ticket #77: wrong address", staff: { id: viewer.id }, target: { userId, sessionHandle: handle }, outcome: { status: "completed" } });

    const page = await loadSessionPage(stack, userId, handle, viewer.cookie);
    expect(page.originalText).toContain("tok_SECRET_4f9a");
    expect(page.data.masking.revealedUntil).toBeTruthy();
    expect(page.data.history.some((item: { action: string }) => item.action === "reveal")).toBe(true);
    // Only for them: the editor still sees the mask.
    expect((await loadSessionPage(stack, userId, handle, editor.cookie)).originalText).not.toContain("tok_SECRET_4f9a");

    // Expired grants stop revealing (the clock moved past MASK_REVEAL_MINUTES).
    const { advanceClock } = await import("../../../app/staff/clock.server");
    advanceClock(5 * 60_000 + 1_000);
    try {
      const later = await loadSessionPage(stack, userId, handle, viewer.cookie);
      expect(later.originalText).not.toContain("tok_SECRET_4f9a");
      expect(later.data.masking.revealedUntil).toBeNull();
    } finally {
      advanceClock(-(5 * 60_000 + 1_000));
    }

    // "Mask again" ends a grant at once.
    expect((await loadSessionPage(stack, userId, handle, viewer.cookie)).originalText).toContain("tok_SECRET_4f9a");
    expect((await postForm(revealUrl, { intent: "mask-again" }, { cookie: viewer.cookie })).status).toBe(302);
    expect((await loadSessionPage(stack, userId, handle, viewer.cookie)).originalText).not.toContain("tok_SECRET_4f9a");
  });

  it("a revealed editor may change a hidden value; a save after the reveal ended is refused", async () => {
    const { userId, handle } = await userWithSecretSession();
    await postForm(`${pageUrl(stack, userId, handle)}/reveal`, { intent: "reveal", reason: "Ticket #78" }, { cookie: editor.cookie });
    const page = await loadSessionPage(stack, userId, handle, editor.cookie);
    const rotated = page.originalText.replace('"token": "tok_SECRET_4f9a"', '"token": "tok_SECRET_4f9a-new"');
    const { advanceClock } = await import("../../../app/staff/clock.server");
    advanceClock(6 * 60_000);
    try {
      const refused = await postEdit(stack, page, { intent: "write", text: rotated, reason: "rotate" }, editor.cookie);
      expect(refused.status).toBe(400);
      expect(refused.body?.error).toMatch(/reveal of this session has ended/);
    } finally {
      advanceClock(-6 * 60_000);
    }
    const written = await postEdit(stack, page, { intent: "write", text: rotated, reason: "rotate" }, editor.cookie);
    expect(written.status, JSON.stringify(written.body)).toBe(204);
    expect(await coreText(handle)).toContain('"token":"tok_SECRET_4f9a-new"');
  });
});

describe("the masking page", () => {
  it("is for admins: patterns with their syntax errors, roles, and a log of every change", async () => {
    expect((await bodyOf("/masking", editor.cookie)).status).toBe(403);
    const page = await bodyOf("/masking", admin.cookie);
    expect(page.status).toBe(200);
    for (const pattern of ["device.ip", "**.token", "cart.address.*", "&quot;a.b&quot;.c"]) expect(page.text).toContain(pattern);
    expect(page.text).toContain("(from MASK_PATTERNS)");

    const post = (fields: Record<string, string>, cookie = admin.cookie) => postData(`${stack.url}/masking`, "routes/masking", fields, cookie);
    const bad = await post({ intent: "add-pattern", pattern: "tok*en", reason: "x" });
    expect(bad.status).toBe(400);
    expect(bad.body?.message).toMatch(/write it quoted/);
    expect((await post({ intent: "add-pattern", pattern: "x", reason: "x" }, editor.cookie)).status).toBe(403);

    const { userId, handle } = await userWithSecretSession();
    expect((await loadSessionPage(stack, userId, handle, viewer.cookie)).originalText).toContain("iOS 18.1");
    const added = await post({ intent: "add-pattern", pattern: '["device"].os', reason: "ticket 9" });
    expect(added.status).toBe(204);
    expect((await loadSessionPage(stack, userId, handle, viewer.cookie)).originalText).not.toContain("iOS 18.1");
    const duplicate = await post({ intent: "add-pattern", pattern: "device.os", reason: "again" });
    expect(duplicate.body?.message).toMatch(/already masked/);

    // Editors unmasked: they see every value.
    expect((await post({ intent: "set-role", role: "editor", masked: "false", reason: "trusted team" })).status).toBe(204);
    expect((await loadSessionPage(stack, userId, handle, editor.cookie)).originalText).toContain("tok_SECRET_4f9a");
    expect((await post({ intent: "set-role", role: "editor", masked: "true", reason: "back" })).status).toBe(204);
    expect((await loadSessionPage(stack, userId, handle, editor.cookie)).originalText).not.toContain("tok_SECRET_4f9a");

    const { listMaskingEvents } = await import("../../../app/masking/settings.server");
    const events = await listMaskingEvents(10);
    expect(events.map((event) => event.action).slice(0, 3)).toEqual(["role-changed", "role-changed", "pattern-added"]);
    expect(events[2]).toMatchObject({ detail: "device.os", reason: "ticket 9" });
    expect(events.at(-1)).toMatchObject({ action: "seeded", actorEmail: null });
  });
});
