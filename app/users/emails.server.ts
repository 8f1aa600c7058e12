/**
 * The email (or phone) each user id is known by, for pages that name users by id (the audit trail).
 * One core read per distinct user, a few at a time; a user that is gone, or a core that cannot be
 * reached, leaves that id without one: the page then shows the id alone rather than failing.
 */
import pLimit from "p-limit";
import { getUserById } from "~/core/users.server";

export async function userContactsById(userIds: string[], concurrency = 8): Promise<Record<string, string>> {
  const limit = pLimit(concurrency);
  const distinct = [...new Set(userIds)].slice(0, 200);
  const pairs = await Promise.all(
    distinct.map((userId) =>
      limit(async () => {
        try {
          const user = await getUserById(userId);
          const contact = user?.emails[0] ?? user?.phoneNumbers[0];
          return contact ? ([userId, contact] as const) : null;
        } catch {
          return null;
        }
      }),
    ),
  );
  return Object.fromEntries(pairs.filter((pair): pair is readonly [string, string] => pair !== null));
}
