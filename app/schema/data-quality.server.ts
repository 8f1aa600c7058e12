/**
 * The data-quality report: sessions whose data does not match its schema, across all users, one page of
 * the core's user listing at a time (its cursor is the page's address), so no instance ever holds the
 * whole list. Each page's users have their sessions read with bounded concurrency and checked.
 */
import { listUsersNewestFirst } from "~/core/users.server";
import { listUserSessions } from "~/sessions/list.server";
import { schemaProblemsOf } from "./page.server";

export const DATA_QUALITY_PAGE_USERS = 25;

export interface DataQualityRow {
  userId: string;
  userLabel: string;
  sessionHandle: string;
  tenantId: string;
  count: number;
  lines: string[];
}

export interface DataQualityPage {
  rows: DataQualityRow[];
  usersChecked: number;
  sessionsChecked: number;
  nextCursor: string | null;
}

export async function checkDataQualityPage(input: { tenantId: string; cursor?: string; users?: number }): Promise<DataQualityPage> {
  const page = await listUsersNewestFirst({ tenantId: input.tenantId, limit: input.users ?? DATA_QUALITY_PAGE_USERS, paginationToken: input.cursor });
  const rows: DataQualityRow[] = [];
  let sessionsChecked = 0;
  // One user at a time (each user's reads are already concurrent): the report's cost stays in step with a page.
  for (const user of page.users) {
    const { sessions } = await listUserSessions(user.id);
    sessionsChecked += sessions.length;
    const problems = await schemaProblemsOf(sessions);
    for (const session of sessions) {
      const found = problems.get(session.sessionHandle);
      if (!found) continue;
      rows.push({ userId: user.id, userLabel: user.emails?.[0] ?? user.phoneNumbers?.[0] ?? user.id, sessionHandle: session.sessionHandle, tenantId: session.tenantId, count: found.count, lines: found.lines });
    }
  }
  return { rows, usersChecked: page.users.length, sessionsChecked, nextCursor: page.nextPaginationToken ?? null };
}
