import { NavLink } from "@remix-run/react";

const tabClass = ({ isActive }: { isActive: boolean }) =>
  `rounded-md px-3 py-1.5 text-sm font-medium ${isActive ? "bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300" : "text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"}`;

/** The pages about your own account. */
export function ProfileTabs() {
  return (
    <nav aria-label="Your account" className="flex flex-wrap gap-1">
      <NavLink to="/profile/api-tokens" className={tabClass}>
        API tokens
      </NavLink>
      <NavLink to="/profile/security" className={tabClass}>
        Two-step sign-in
      </NavLink>
    </nav>
  );
}
