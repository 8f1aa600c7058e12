import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { ErrorView } from "~/root";
import { UserSearchForm } from "./user-search-form";

/** Unknown user → a 404 with the search box, so the next try is one keystroke away. */
export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) {
    const message = (error.data as { message?: string } | null)?.message ?? "That user does not exist.";
    return (
      <div className="mx-auto max-w-3xl space-y-6 py-8" role="alert">
        <div>
          <p className="text-xs font-semibold uppercase tracking-wide text-slate-500">HTTP 404</p>
          <h1 className="mt-1 text-xl font-semibold">User not found</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{message}</p>
        </div>
        <UserSearchForm tenants={[]} query="" tenant="" autoFocus />
      </div>
    );
  }
  return <ErrorView error={error} />;
}
