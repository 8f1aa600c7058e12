/**
 * Who each entry of a list is: an email or a phone number is looked up in every tenant
 * (listUsersByAccountInfo, as the search page does for an exact address), a user id with getUser (a
 * linked login method's id resolves to its primary user). An entry that finds no user, or finds more
 * than one (the same email signed up twice without linking, or in two tenants as two users), is
 * reported and left out: a run never guesses whom a ticket meant.
 */
import { getUserById, listUsersByAccount, type UserSummary } from "~/core/users.server";
import { normalisePhone } from "~/users/search.server";
import type { ListEntry } from "./entries";
import type { EntryStatus } from "./types";

export interface Resolution {
  status: Exclude<EntryStatus, "duplicate">;
  userId: string | null;
  label: string | null;
  candidates: string[];
}

/** How many candidates an ambiguous entry keeps for the report. */
const MAX_CANDIDATES = 5;

export function labelOf(user: Pick<UserSummary, "id" | "emails" | "phoneNumbers">): string {
  return user.emails[0] ?? user.phoneNumbers[0] ?? user.id;
}

export async function resolveEntry(entry: Pick<ListEntry, "input" | "kind">, tenants: readonly string[]): Promise<Resolution> {
  const none: Resolution = { status: "unknown", userId: null, label: null, candidates: [] };
  switch (entry.kind) {
    case "invalid":
      return { ...none, status: "invalid" };
    case "id": {
      for (const candidate of new Set([entry.input, entry.input.toLowerCase()])) {
        const user = await getUserById(candidate);
        if (user) return { status: "matched", userId: user.id, label: labelOf(user), candidates: [] };
      }
      return none;
    }
    case "email":
    case "phone": {
      const account = entry.kind === "email" ? { email: entry.input.toLowerCase() } : { phoneNumber: normalisePhone(entry.input) };
      const found = new Map<string, UserSummary>();
      for (const tenantId of tenants) for (const user of await listUsersByAccount(tenantId, account)) found.set(user.id, user);
      const users = [...found.values()];
      if (users.length === 0) return none;
      if (users.length > 1) return { status: "ambiguous", userId: null, label: null, candidates: users.slice(0, MAX_CANDIDATES).map((user) => user.id) };
      return { status: "matched", userId: users[0]!.id, label: labelOf(users[0]!), candidates: [] };
    }
  }
}
