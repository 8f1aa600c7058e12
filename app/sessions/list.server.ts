/**
 * A user's sessions with their data. The core has no batch read, so N sessions cost 1 + N requests;
 * the docs' loop awaits them one by one, which is what makes big users slow across a network. We keep
 * a bounded number in flight instead (SESSION_LOAD_CONCURRENCY): fast, without flooding the core.
 */
import { getConfig } from "~/config.server";
import { getSessionHandles, getSessionInfos, type SessionInfo } from "~/core/sessions.server";

export interface UserSessions {
  sessions: SessionInfo[];
  /** Handles listed by the core that ended before we could read them (revoked or expired in between). */
  endedWhileLoading: number;
}

export async function listUserSessions(userId: string, options: { concurrency?: number; tenantId?: string } = {}): Promise<UserSessions> {
  const concurrency = options.concurrency ?? getConfig().SESSION_LOAD_CONCURRENCY;
  const handles = await getSessionHandles(userId, options.tenantId);
  const infos = await getSessionInfos(handles, concurrency);
  const sessions = infos.filter((info): info is SessionInfo => info !== undefined);
  sessions.sort((a, b) => b.timeCreated - a.timeCreated || a.sessionHandle.localeCompare(b.sessionHandle));
  return { sessions, endedWhileLoading: handles.length - sessions.length };
}
