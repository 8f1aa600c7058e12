import { Link } from "@remix-run/react";
import { formatDateTime, formatRelative, loginMethodLabel } from "~/utils/format";
import { CopyButton } from "./copy-button";
import type { UserRow } from "./users-table";

interface LoginMethod {
  recipeId: string;
  recipeUserId: string;
  tenantIds: string[];
  email?: string | null;
  phoneNumber?: string | null;
  thirdParty?: { id: string; userId: string } | null;
  verified: boolean;
  timeJoined: number;
}

export type UserFactsData = Omit<UserRow, "loginMethods"> & { loginMethods: LoginMethod[] };

export function UserFacts({ user, now, auditHref }: { user: UserFactsData; now: number; auditHref: string }) {
  const linked = user.loginMethods.length > 1;
  return (
    <section aria-labelledby="user-heading" className="card p-4">
      <div className="flex flex-wrap items-start gap-4">
        <div className="min-w-0 flex-1">
          <h1 id="user-heading" className="truncate text-xl font-semibold">
            {user.emails[0] ?? user.phoneNumbers[0] ?? "User without email"}
          </h1>
          <p className="mono mt-0.5 flex items-center gap-1 text-slate-500">
            {user.id} <CopyButton value={user.id} label="Copy user id" />
          </p>
        </div>
        <Link to={auditHref} className="btn btn-sm">
          Audit timeline
        </Link>
      </div>
      <dl className="mt-4 grid grid-cols-2 gap-x-6 gap-y-3 text-sm md:grid-cols-4">
        <Fact label="Emails">{user.emails.length ? user.emails.join(", ") : "—"}</Fact>
        <Fact label="Phone numbers">{user.phoneNumbers.length ? <span className="mono">{user.phoneNumbers.join(", ")}</span> : "—"}</Fact>
        <Fact label="Tenants">{user.tenantIds.join(", ")}</Fact>
        <Fact label="Joined">
          <time dateTime={new Date(user.timeJoined).toISOString()}>{formatDateTime(user.timeJoined)}</time>{" "}
          <span className="text-slate-500">({formatRelative(user.timeJoined, now)})</span>
        </Fact>
      </dl>
      <div className="mt-4">
        <h2 className="label">Login methods{linked ? " · linked accounts" : ""}</h2>
        <ul className="mt-1 divide-y divide-slate-100 rounded-md border border-slate-200 text-sm dark:divide-slate-800 dark:border-slate-800">
          {user.loginMethods.map((method) => (
            <li key={method.recipeUserId} className="flex flex-wrap items-center gap-3 px-3 py-1.5">
              <span className="badge bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300">
                {loginMethodLabel(method)}
              </span>
              <span>{method.email ?? method.phoneNumber ?? method.thirdParty?.userId ?? ""}</span>
              <span className="mono text-slate-500">recipe user {method.recipeUserId}</span>
              {method.recipeUserId === user.id && linked ? <span className="badge bg-indigo-100 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300">primary</span> : null}
              <span className="text-xs text-slate-500">{method.tenantIds.join(", ")}</span>
              <span className={`ml-auto text-xs ${method.verified ? "text-emerald-600" : "text-slate-400"}`}>{method.verified ? "verified" : "not verified"}</span>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="label">{label}</dt>
      <dd className="break-words">{children}</dd>
    </div>
  );
}
