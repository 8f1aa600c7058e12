import { useRouteError } from "@remix-run/react";
import { ErrorView } from "~/root";

/** Route-level boundary: keeps the header and navigation, shows the outage page or a clear message. */
export function ErrorBoundary() {
  return <ErrorView error={useRouteError()} />;
}
