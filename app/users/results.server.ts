/**
 * What a page of search results shows beyond the user records: each user's name from their metadata
 * (read with the rows) and how many live sessions they have (streamed after them). Both cost one core
 * call per user, so only the first `DESCRIBED_ROWS` rows get them; a search rarely shows more.
 */
import { countSessionsOfUsers } from "~/core/sessions.server";
import { getUserNames, type UserSummary } from "~/core/users.server";

export const DESCRIBED_ROWS = 100;

export async function describeResults(users: UserSummary[]): Promise<{ names: Record<string, string>; sessionCounts: Promise<Record<string, number> | null> }> {
  const ids = users.slice(0, DESCRIBED_ROWS).map((user) => user.id);
  const names = await getUserNames(ids);
  // A failed count is no reason to fail the page: the row then links to the user's sessions instead.
  const sessionCounts = countSessionsOfUsers(ids).catch(() => null);
  return { names, sessionCounts };
}
