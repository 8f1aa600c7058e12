/**
 * Typed reads of users and tenants. Plain objects out (the SDK's User class does not serialise well),
 * so loaders can hand them straight to the page.
 */
import Multitenancy from "supertokens-node/recipe/multitenancy/index.js";
import pLimit from "p-limit";
import { callCore } from "./problems.server";
import { ensureSupertokens, SuperTokens, UserMetadata } from "./sdk.server";

export interface LoginMethodSummary {
  recipeId: string;
  recipeUserId: string;
  tenantIds: string[];
  email?: string;
  phoneNumber?: string;
  thirdParty?: { id: string; userId: string };
  verified: boolean;
  timeJoined: number;
}

export interface UserSummary {
  id: string;
  isPrimaryUser: boolean;
  emails: string[];
  phoneNumbers: string[];
  thirdParty: { id: string; userId: string }[];
  tenantIds: string[];
  timeJoined: number;
  loginMethods: LoginMethodSummary[];
}

type SdkUser = NonNullable<Awaited<ReturnType<typeof SuperTokens.getUser>>>;

export function toUserSummary(user: SdkUser): UserSummary {
  return {
    id: user.id,
    isPrimaryUser: user.isPrimaryUser,
    emails: [...user.emails],
    phoneNumbers: [...user.phoneNumbers],
    thirdParty: user.thirdParty.map((tp) => ({ id: tp.id, userId: tp.userId })),
    tenantIds: [...user.tenantIds],
    timeJoined: user.timeJoined,
    loginMethods: user.loginMethods.map((method) => ({
      recipeId: method.recipeId,
      recipeUserId: method.recipeUserId.getAsString(),
      tenantIds: [...method.tenantIds],
      email: method.email,
      phoneNumber: method.phoneNumber,
      thirdParty: method.thirdParty ? { id: method.thirdParty.id, userId: method.thirdParty.userId } : undefined,
      verified: method.verified,
      timeJoined: method.timeJoined,
    })),
  };
}

/** A primary, recipe or external user id; a linked recipe id resolves to its primary user. */
export async function getUserById(userId: string): Promise<UserSummary | undefined> {
  ensureSupertokens();
  const user = await callCore(() => SuperTokens.getUser(userId));
  return user ? toUserSummary(user) : undefined;
}

export async function listTenantIds(): Promise<string[]> {
  ensureSupertokens();
  const result = await callCore(() => Multitenancy.listAllTenants());
  return result.tenants.map((tenant) => tenant.tenantId).sort((a, b) => (a === "public" ? -1 : b === "public" ? 1 : a.localeCompare(b)));
}

export interface UserPage {
  users: UserSummary[];
  nextPaginationToken?: string;
}

export type UserSearchQuery = { email?: string; phone?: string; provider?: string };

export async function listUsersNewestFirst(input: {
  tenantId: string;
  limit?: number;
  paginationToken?: string;
  query?: UserSearchQuery;
}): Promise<UserPage> {
  ensureSupertokens();
  const query = input.query ? (Object.fromEntries(Object.entries(input.query).filter(([, v]) => v)) as Record<string, string>) : undefined;
  const result = await callCore(() =>
    SuperTokens.getUsersNewestFirst({
      tenantId: input.tenantId,
      limit: input.limit,
      paginationToken: input.paginationToken,
      query: query && Object.keys(query).length > 0 ? query : undefined,
    }),
  );
  return { users: result.users.map(toUserSummary), nextPaginationToken: result.nextPaginationToken };
}

export async function listUsersByAccount(tenantId: string, account: { email?: string; phoneNumber?: string }): Promise<UserSummary[]> {
  ensureSupertokens();
  const users = await callCore(() => SuperTokens.listUsersByAccountInfo(tenantId, account, false));
  return users.map(toUserSummary);
}

/** The core's largest page of users (CDI §4.4, `AuthRecipe.USER_PAGINATION_LIMIT`). */
export const CORE_MAX_USER_PAGE = 500;

/**
 * Each user's display name from their metadata (`first_name` + `last_name`, else `name`), at most
 * `concurrency` reads at a time; users without one are left out. One core read per user
 * (`GET /recipe/user/metadata`): callers pass a page of results, never a whole user base.
 */
export async function getUserNames(userIds: string[], concurrency = 8): Promise<Record<string, string>> {
  ensureSupertokens();
  const limit = pLimit(Math.max(1, concurrency));
  const names = await callCore(() =>
    Promise.all(userIds.map((userId) => limit(async () => [userId, nameFromMetadata((await UserMetadata.getUserMetadata(userId)).metadata)] as const))),
  );
  return Object.fromEntries(names.filter((entry): entry is readonly [string, string] => entry[1] !== undefined));
}

/** "Ada Lovelace" from `{first_name, last_name}` or `{name}`; undefined when neither holds text. */
export function nameFromMetadata(metadata: unknown): string | undefined {
  if (!metadata || typeof metadata !== "object") return undefined;
  const record = metadata as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");
  const full = [text(record.first_name), text(record.last_name)].filter(Boolean).join(" ");
  return full || text(record.name) || undefined;
}
