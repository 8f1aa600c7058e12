import { Link } from "@remix-run/react";
import { Fragment } from "react";

export interface Crumb {
  label: string;
  /** Omitted for the current page. */
  to?: string;
  /** Ids and handles read better in the monospace face. */
  mono?: boolean;
}

/** Where this page sits: Users / a user / a session or run. The last crumb is the current page. */
export function Breadcrumbs({ items }: { items: Crumb[] }) {
  return (
    <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
      {items.map((item, index) => (
        <Fragment key={index}>
          {index > 0 ? " / " : null}
          {item.to ? (
            <Link to={item.to} className={`hover:underline ${item.mono ? "mono" : ""}`}>
              {item.label}
            </Link>
          ) : (
            <span className={item.mono ? "mono" : undefined} aria-current="page">
              {item.label}
            </span>
          )}
        </Fragment>
      ))}
    </nav>
  );
}

export const userHref = (userId: string) => `/users/${encodeURIComponent(userId)}`;
