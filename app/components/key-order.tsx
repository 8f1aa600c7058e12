import { Link, useLocation, useSearchParams } from "@remix-run/react";

/**
 * Session data is shown with its keys in the order the core stores them, everywhere (the user page,
 * the editor, diffs, audit entries). Sorting them A→Z is a choice, kept in the URL (`keys=sorted`) so a
 * link opens the same view.
 */
export function useSortedKeys(): boolean {
  const [searchParams] = useSearchParams();
  return searchParams.get("keys") === "sorted";
}

export function KeyOrderToggle({ className = "" }: { className?: string }) {
  const sorted = useSortedKeys();
  const location = useLocation();
  const params = new URLSearchParams(location.search);
  if (sorted) params.delete("keys");
  else params.set("keys", "sorted");
  const search = params.toString();
  return (
    <Link
      to={{ pathname: location.pathname, search: search ? `?${search}` : "", hash: location.hash }}
      replace
      preventScrollReset
      className={`text-xs text-indigo-700 hover:underline dark:text-indigo-300 ${className}`}
      aria-label={sorted ? "Show keys in stored order" : "Sort keys A to Z"}
      data-key-order={sorted ? "sorted" : "stored"}
    >
      {sorted ? "Keys sorted A→Z · show stored order" : "Keys in stored order · sort A→Z"}
    </Link>
  );
}
