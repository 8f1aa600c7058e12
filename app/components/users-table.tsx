import { Await, Link } from "@remix-run/react";
import { tableFeatures, useTable, type ColumnDef } from "@tanstack/react-table";
import { Suspense, useMemo } from "react";
import type { UserSummary } from "~/core/users.server";
import { formatCount, formatDateTime, formatRelative, loginMethodLabel } from "~/utils/format";

/** The part of a user (app/core/users.server.ts) a result row shows, and the name from their metadata. */
export type UserRow = Pick<UserSummary, "id" | "isPrimaryUser" | "emails" | "phoneNumbers" | "tenantIds" | "timeJoined"> & {
  loginMethods: { recipeId: string; thirdParty?: { id: string } | null }[];
};

/** Session counts stream in after the rows (one core call per user); `null` when they could not be read. */
export type SessionCounts = Promise<Record<string, number> | null>;

// Search results are already ordered by the core (newest first); the table only lays them out.
const features = tableFeatures({});

const userHref = (id: string) => `/users/${encodeURIComponent(id)}`;

/**
 * One row per user with what tells two people apart: name, email or phone, login methods, tenants,
 * sessions and when they joined. The whole row opens the user: the name is the row's one link (for
 * keyboard and screen readers), stretched over the row for the mouse.
 */
export function UsersTable({ users, names, sessionCounts, now }: { users: UserRow[]; names: Record<string, string>; sessionCounts: SessionCounts; now: number }) {
  const columns = useMemo<ColumnDef<typeof features, UserRow>[]>(
    () => [
      {
        id: "user",
        header: "User",
        cell: ({ row }) => <UserCell user={row.original} name={names[row.original.id]} />,
      },
      {
        id: "methods",
        header: "Login methods",
        cell: ({ row }) => (
          <div className="flex flex-wrap gap-1">
            {row.original.loginMethods.map((method, index) => (
              <span key={index} className="badge bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300">
                {loginMethodLabel(method)}
              </span>
            ))}
            {row.original.isPrimaryUser && row.original.loginMethods.length > 1 ? (
              <span className="badge bg-indigo-100 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300">linked</span>
            ) : null}
          </div>
        ),
      },
      { id: "tenants", header: "Tenants", cell: ({ row }) => <span className="text-slate-700 dark:text-slate-300">{row.original.tenantIds.join(", ")}</span> },
      {
        id: "sessions",
        header: "Sessions",
        cell: ({ row }) => <SessionCountCell userId={row.original.id} counts={sessionCounts} />,
      },
      {
        id: "joined",
        header: "Joined",
        cell: ({ row }) => (
          <time dateTime={new Date(row.original.timeJoined).toISOString()} title={formatDateTime(row.original.timeJoined)} className="text-slate-700 dark:text-slate-300">
            {formatRelative(row.original.timeJoined, now)}
          </time>
        ),
      },
    ],
    [now, names, sessionCounts],
  );
  const table = useTable({ features, columns, data: users, getRowId: (row) => row.id });
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full divide-y divide-slate-200 dark:divide-slate-800">
        <thead className="bg-slate-50 dark:bg-slate-900/60">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col" className="th">
                  <table.FlexRender header={header} />
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {table.getRowModel().rows.map((row) => (
            // `relative` anchors the name link's stretched ::after, which makes the whole row clickable.
            <tr key={row.id} data-user-id={row.id} className="relative cursor-pointer hover:bg-slate-50 focus-within:bg-slate-50 dark:hover:bg-slate-800/50 dark:focus-within:bg-slate-800/50">
              {row.getAllCells().map((cell) => (
                <td key={cell.id} className="td align-top" data-column={cell.column.id}>
                  <table.FlexRender cell={cell} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function UserCell({ user, name }: { user: UserRow; name: string | undefined }) {
  const contact = user.emails[0] ?? user.phoneNumbers[0];
  const title = name ?? contact ?? user.id;
  const more = [...user.emails, ...user.phoneNumbers].filter((value) => value !== title);
  return (
    <div className="min-w-0 leading-tight">
      <Link
        to={userHref(user.id)}
        className="font-medium text-slate-900 outline-none after:absolute after:inset-0 hover:text-indigo-700 hover:underline focus-visible:underline dark:text-slate-100 dark:hover:text-indigo-300"
      >
        {title}
      </Link>
      {more.length > 0 ? <p className="mt-0.5 text-xs text-slate-600 dark:text-slate-400">{more.join(" · ")}</p> : null}
      <p className="mono mt-0.5 text-xs text-slate-500">{user.id}</p>
    </div>
  );
}

function SessionCountCell({ userId, counts }: { userId: string; counts: SessionCounts }) {
  // Above the row's stretched link, so it can be a link of its own (to the user's sessions).
  const fallback = (
    <Link to={`${userHref(userId)}#sessions-heading`} className="relative z-10 text-xs text-indigo-700 hover:underline dark:text-indigo-300">
      Show sessions
    </Link>
  );
  return (
    <Suspense fallback={<span className="text-xs text-slate-400">counting…</span>}>
      <Await resolve={counts} errorElement={fallback}>
        {(loaded) => {
          const count = loaded?.[userId];
          if (count === undefined) return fallback;
          return (
            <Link
              to={`${userHref(userId)}#sessions-heading`}
              className={`relative z-10 tabular-nums hover:underline ${count === 0 ? "text-slate-500 dark:text-slate-400" : "text-slate-900 dark:text-slate-100"}`}
              data-session-count={count}
            >
              {formatCount(count)} {count === 1 ? "session" : "sessions"}
            </Link>
          );
        }}
      </Await>
    </Suspense>
  );
}
