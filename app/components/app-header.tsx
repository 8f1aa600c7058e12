import { Form, Link, NavLink } from "@remix-run/react";
import type { StaffUser } from "~/staff/roles";
import { CoreStatusBadge, type CoreStatus } from "./core-status-badge";
import { ThemeToggle } from "./theme-toggle";

const navClass = ({ isActive }: { isActive: boolean }) =>
  `rounded-md px-2.5 py-1.5 text-sm font-medium ${
    isActive ? "bg-slate-200 text-slate-900 dark:bg-slate-800 dark:text-white" : "text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
  }`;

/** The first thing a keyboard reaches: straight past the header to the page's content. */
export function SkipLink() {
  return (
    <a
      href="#main"
      className="sr-only z-50 rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white focus:not-sr-only focus:fixed focus:left-3 focus:top-2"
    >
      Skip to content
    </a>
  );
}

/**
 * On a phone-sized screen (390 px) the header folds: the product name and the core's address give way,
 * the navigation takes its own row, and Sign out stays in reach at the top right.
 */
export function AppHeader({ core, staff }: { core: CoreStatus | null; staff: StaffUser | null }) {
  return (
    <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <div className="mx-auto flex max-w-[1400px] flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2.5">
        <Link to="/" className="flex items-center gap-2 font-semibold" aria-label="Session Desk">
          <span className="grid h-7 w-7 place-items-center rounded-md bg-indigo-600 text-xs font-bold text-white" aria-hidden>
            SD
          </span>
          <span className="hidden sm:inline">Session Desk</span>
        </Link>
        {staff ? (
          <nav aria-label="Main" className="order-last -mx-2.5 flex w-full flex-wrap items-center gap-1 sm:order-none sm:mx-0 sm:w-auto">
            <NavLink to="/" end className={navClass}>
              Users
            </NavLink>
            <NavLink to="/audit" className={navClass}>
              Audit trail
            </NavLink>
            <NavLink to="/schemas" className={navClass}>
              Schemas
            </NavLink>
            <NavLink to="/profile/api-tokens" className={navClass}>
              API tokens
            </NavLink>
            {staff.role === "admin" ? (
              <NavLink to="/bulk" className={navClass}>
                Bulk
              </NavLink>
            ) : null}
            {staff.role === "admin" ? (
              <NavLink to="/staff" className={navClass}>
                Staff
              </NavLink>
            ) : null}
            {staff.role === "admin" ? (
              <NavLink to="/masking" className={navClass}>
                Masking
              </NavLink>
            ) : null}
          </nav>
        ) : null}
        <div className="ml-auto flex min-w-0 items-center gap-3">
          {core ? (
            <>
              <div className="hidden lg:block">
                <CoreStatusBadge status={core} />
              </div>
              {/* Narrower screens keep the core's state as a dot; the page's outage panel says the rest. */}
              <span
                role="img"
                className={`h-2.5 w-2.5 shrink-0 rounded-full lg:hidden ${core.reachable && !core.problem ? "bg-emerald-500" : "bg-rose-500"}`}
                aria-label={core.reachable && !core.problem ? "Core reachable" : "Core unavailable"}
                title={core.reachable && !core.problem ? `Core at ${core.url} is reachable` : core.problem?.cause ?? `Core at ${core.url} is not reachable`}
              />
            </>
          ) : null}
          <ThemeToggle />
          {staff ? <SignedInStaff staff={staff} /> : null}
        </div>
      </div>
    </header>
  );
}

/** Who is signed in, and a sign-out button (a POST: no GET changes anything). */
function SignedInStaff({ staff }: { staff: StaffUser }) {
  return (
    <div className="flex items-center gap-2 border-l border-slate-200 pl-3 dark:border-slate-800" data-testid="signed-in-staff">
      <div className="min-w-0 text-right leading-tight">
        <p className="max-w-[9rem] truncate text-sm font-medium sm:max-w-none">
          {/* Your own account: two-step sign-in, and (a tab away) API tokens. */}
          <Link to="/profile/security" className="hover:underline" title="Your account: two-step sign-in and API tokens">
            {staff.displayName}
          </Link>
        </p>
        <p className="text-xs text-slate-500 dark:text-slate-400">{staff.role}</p>
      </div>
      <Form method="post" action="/logout" reloadDocument>
        <button type="submit" className="btn btn-sm">
          Sign out
        </button>
      </Form>
    </div>
  );
}
