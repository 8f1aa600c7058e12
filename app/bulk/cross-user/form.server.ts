/**
 * The "bulk across users" form: which users (a search, a pasted list or an uploaded CSV, or the users
 * of an earlier run) and the change, which is the one-user form's own fields and rules
 * (app/bulk/form.server.ts). Everything is checked with zod; a bad field comes back beside it, with
 * what was typed kept (the uploaded file excepted: browsers never refill a file input).
 */
import { z } from "zod";
import { parseChangeForm, type ChangeFormErrors } from "../form.server";
import type { BulkOperation } from "../types";
import { MAX_LIST_BYTES, parseUserList } from "./entries";
import type { UsersInput } from "./plan.server";

export interface UsersFormValues {
  source: string;
  q: string;
  tenant: string;
  list: string;
  runId: string;
  keyPath: string;
  operation: string;
  value: string;
  reason: string;
}

export type UsersFormErrors = ChangeFormErrors & Partial<Record<"users", string>>;

const runIdSchema = z.string().trim().regex(/^[0-9a-f]{16,40}$/, "That is not a bulk run id: copy it from the run's address.");

const sourceSchema = z.discriminatedUnion("source", [
  z.object({ source: z.literal("search"), q: z.string().trim().max(320, "A search is at most 320 characters"), tenant: z.string().trim().max(128).regex(/^[a-z0-9-]*$/, "Unknown tenant") }),
  z.object({ source: z.literal("list"), list: z.string().max(MAX_LIST_BYTES * 2, "The list is larger than 1 MiB. Split it into several runs.") }),
  z.object({ source: z.literal("run"), runId: runIdSchema }),
]);

export type ParsedUsersForm = { ok: true; users: UsersInput; operation: BulkOperation; reason?: string } | { ok: false; errors: UsersFormErrors; values: UsersFormValues };

export async function parseUsersForm(form: FormData): Promise<ParsedUsersForm> {
  const field = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value : "";
  };
  const values: UsersFormValues = {
    source: field("source"),
    q: field("q"),
    tenant: field("tenant"),
    // A very long paste is not sent back into the page.
    list: field("list").length > 200_000 ? "" : field("list"),
    runId: field("runId"),
    keyPath: field("keyPath"),
    operation: field("operation"),
    value: field("value"),
    reason: field("reason"),
  };
  const errors: UsersFormErrors = {};

  // The change: the one-user form's rules, for all of each user's sessions.
  const change = new FormData();
  for (const name of ["intent", "keyPath", "operation", "value", "reason"]) change.set(name, field(name));
  change.set("intent", "dry-run");
  change.set("scope", "all");
  const parsedChange = parseChangeForm(change, []);
  if (!parsedChange.ok) Object.assign(errors, parsedChange.errors);

  let users: UsersInput | undefined;
  const source = sourceSchema.safeParse({ source: values.source, q: values.q, tenant: values.tenant, list: field("list"), runId: values.runId });
  if (!source.success) {
    const issue = source.error.issues[0]!;
    errors.users = issue.path[0] === "source" ? "Choose how to find the users: a search, a list or an earlier run." : issue.message;
  } else if (source.data.source === "search") {
    users = { by: "search", q: source.data.q, tenant: source.data.tenant };
  } else if (source.data.source === "run") {
    users = { by: "run", runId: source.data.runId };
  } else {
    const file = form.get("file");
    let text = source.data.list;
    let fileName: string | undefined;
    if (file && typeof file === "object" && "arrayBuffer" in file && file.size > 0) {
      if (file.size > MAX_LIST_BYTES) errors.users = `The file “${file.name.slice(0, 80)}” is larger than 1 MiB. Split it into several runs.`;
      else if (text.trim() !== "") errors.users = "Paste a list or upload a file, not both.";
      else {
        fileName = file.name.slice(0, 200);
        text = new TextDecoder("utf-8", { fatal: false }).decode(await file.arrayBuffer()).replace(/^\uFEFF/, "");
      }
    }
    if (!errors.users) {
      const list = parseUserList(text);
      if (!list.ok) errors.users = list.error;
      else users = { by: "list", entries: list.entries, fileName };
    }
  }

  if (!parsedChange.ok || !users || Object.keys(errors).length > 0) return { ok: false, errors, values };
  return { ok: true, users, operation: parsedChange.operation, reason: parsedChange.reason };
}
