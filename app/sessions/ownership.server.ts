/**
 * Does a session belong to the user in the URL? Every action that takes a session handle asks, because
 * the handle comes from a form or a URL and the core answers for any handle: without the check, a POST
 * to /users/<A>/sessions/<B's handle> would change B's session and audit it under A.
 *
 * "Belongs" is what the user page shows: the sessions of the user across every tenant and every linked
 * login method. The core reports a session's `userId` as the primary user's id (and `recipeUserId` as
 * the login method's), so the session belongs to the URL's user when either id is that user's, or when
 * the URL names another login method linked to the same primary user.
 */
import type { SessionInfo } from "~/core/sessions.server";
import { getUserById } from "~/core/users.server";

export async function sessionBelongsTo(session: Pick<SessionInfo, "userId" | "recipeUserId">, userId: string): Promise<boolean> {
  if (session.userId === userId || session.recipeUserId === userId) return true;
  // A linked login method's id resolves to its primary user (one core read, only in this rare case).
  const user = await getUserById(userId);
  return user !== undefined && user.id === session.userId;
}

export const NOT_THIS_USERS_SESSION = "This user has no session with that handle. Nothing was changed.";
