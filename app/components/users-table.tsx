import { Link } from "@remix-run/react";
import { tableFeatures, useTable, type ColumnDef } from "@tanstack/react-table";
import { useMemo } from "react";
import type { UserSummary } from "~/core/users.server";
import { formatDateTime, formatRelative, recipeLabels } from "~/utils/format";

/** The part of a user (app/core/users.server.ts) a result row shows. */
export type UserRow = Pick<UserSummary, "id" | "isPrimaryUser" | "emails" | "phoneNumbers" | "tenantIds" | "timeJoined"> & {
  loginMethods: { recipeId: string; thirdParty?: { id: string } | null }[];
};

// Search results are already ordered by the core (newest first); the table only lays them out.
const features = tableFeatures({});

export function UsersTable({ users, now }: { users: UserRow[]; now: number }) {
  const columns = useMemo<ColumnDef<typeof features, UserRow>[]>(
    () => [
      {
        id: "id",
        header: "User id",
        accessorFn: (row) => row.id,
        cell: ({ row }) => (
          <Link to={`/users/${encodeURIComponent(row.original.id)}`} className="mono text-indigo-700 hover:underline dark:text-indigo-300">
            {row.original.id}
          </Link>
        ),
      },
      { id: "emails", header: "Emails", accessorFn: (row) => row.emails.join(", "), cell: ({ row }) => <ListCell values={row.original.emails} /> },
      { id: "phones", header: "Phone numbers", accessorFn: (row) => row.phoneNumbers.join(", "), cell: ({ row }) => <ListCell values={row.original.phoneNumbers} mono /> },
      {
        id: "methods",
        header: "Login methods",
        accessorFn: (row) => row.loginMethods.map((m) => m.recipeId).join(","),
        cell: ({ row }) => (
          <div className="flex flex-wrap gap-1">
            {row.original.loginMethods.map((method, index) => (
              <span key={index} className="badge bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300">
                {method.thirdParty ? method.thirdParty.id : recipeLabels[method.recipeId] ?? method.recipeId}
              </span>
            ))}
            {row.original.isPrimaryUser && row.original.loginMethods.length > 1 ? (
              <span className="badge bg-indigo-100 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300">linked</span>
            ) : null}
          </div>
        ),
      },
      { id: "tenants", header: "Tenants", accessorFn: (row) => row.tenantIds.join(", "), cell: ({ row }) => <ListCell values={row.original.tenantIds} /> },
      {
        id: "joined",
        header: "Joined",
        accessorFn: (row) => row.timeJoined,
        cell: ({ row }) => <time dateTime={new Date(row.original.timeJoined).toISOString()} title={formatDateTime(row.original.timeJoined)}>{formatRelative(row.original.timeJoined, now)}</time>,
      },
    ],
    [now],
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
            <tr key={row.id} className="hover:bg-slate-50 dark:hover:bg-slate-800/50">
              {row.getAllCells().map((cell) => (
                <td key={cell.id} className="td">
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

function ListCell({ values, mono }: { values: string[]; mono?: boolean }) {
  if (values.length === 0) return <span className="text-slate-400">—</span>;
  return <span className={mono ? "mono" : undefined}>{values.join(", ")}</span>;
}
