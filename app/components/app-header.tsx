import { Link, NavLink } from "@remix-run/react";
import { CoreStatusBadge, type CoreStatus } from "./core-status-badge";

const navClass = ({ isActive }: { isActive: boolean }) =>
  `rounded-md px-2.5 py-1.5 text-sm font-medium ${
    isActive ? "bg-slate-200 text-slate-900 dark:bg-slate-800 dark:text-white" : "text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
  }`;

export function AppHeader({ core }: { core: CoreStatus }) {
  return (
    <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <div className="mx-auto flex max-w-[1400px] items-center gap-4 px-4 py-2.5">
        <Link to="/" className="flex items-center gap-2 font-semibold">
          <span className="grid h-7 w-7 place-items-center rounded-md bg-indigo-600 text-xs font-bold text-white" aria-hidden>
            SD
          </span>
          Session Desk
        </Link>
        <nav aria-label="Main" className="flex items-center gap-1">
          <NavLink to="/" end className={navClass}>
            Users
          </NavLink>
          <NavLink to="/audit" className={navClass}>
            Audit trail
          </NavLink>
        </nav>
        <div className="ml-auto flex items-center gap-3">
          <CoreStatusBadge status={core} />
        </div>
      </div>
    </header>
  );
}
