import { Form, Link, NavLink } from "@remix-run/react";
import type { StaffUser } from "~/staff/roles";
import { CoreStatusBadge, type CoreStatus } from "./core-status-badge";
import { ThemeToggle } from "./theme-toggle";

const navClass = ({ isActive }: { isActive: boolean }) =>
  `rounded-md px-2.5 py-1.5 text-sm font-medium ${
    isActive ? "bg-slate-200 text-slate-900 dark:bg-slate-800 dark:text-white" : "text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
  }`;

export function AppHeader({ core, staff }: { core: CoreStatus | null; staff: StaffUser | null }) {
  return (
    <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <div className="mx-auto flex max-w-[1400px] items-center gap-4 px-4 py-2.5">
        <Link to="/" className="flex items-center gap-2 font-semibold">
          <span className="grid h-7 w-7 place-items-center rounded-md bg-indigo-600 text-xs font-bold text-white" aria-hidden>
            SD
          </span>
          Session Desk
        </Link>
        {staff ? (
          <nav aria-label="Main" className="flex items-center gap-1">
            <NavLink to="/" end className={navClass}>
              Users
            </NavLink>
            <NavLink to="/audit" className={navClass}>
              Audit trail
            </NavLink>
            {staff.role === "admin" ? (
              <NavLink to="/staff" className={navClass}>
                Staff
              </NavLink>
            ) : null}
          </nav>
        ) : null}
        <div className="ml-auto flex items-center gap-3">
          {core ? <CoreStatusBadge status={core} /> : null}
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
      <div className="text-right leading-tight">
        <p className="text-sm font-medium">{staff.displayName}</p>
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
