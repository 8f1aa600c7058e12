import { Form, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";

/** The one search box; `/` focuses it from anywhere on the page. */
export function UserSearchForm({ tenants, query, tenant, problem, autoFocus }: { tenants: string[]; query: string; tenant: string; problem?: string; autoFocus?: boolean }) {
  const navigation = useNavigation();
  const input = useRef<HTMLInputElement>(null);
  // "/" jumps to the search box from anywhere on the page, unless the person is typing somewhere.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
      if (event.key === "/" && !typing && !event.metaKey && !event.ctrlKey && !event.altKey) {
        event.preventDefault();
        input.current?.focus();
        input.current?.select();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  const searching = navigation.state === "loading" && navigation.location?.pathname === "/";
  return (
    <Form method="get" action="/" role="search" className="flex flex-wrap items-end gap-3">
      <div className="min-w-[18rem] flex-1">
        <label htmlFor="user-search" className="label">
          Search
        </label>
        <input
          id="user-search"
          ref={input}
          name="q"
          type="search"
          defaultValue={query}
          key={query}
          className="input"
          placeholder="jane@, +4915…, 3f2a…, provider:google"
          autoComplete="off"
          spellCheck={false}
          autoFocus={autoFocus}
          aria-keyshortcuts="/"
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? "user-search-problem" : undefined}
        />
      </div>
      <div>
        <label htmlFor="tenant" className="label">
          Tenant
        </label>
        <select id="tenant" name="tenant" defaultValue={tenant} key={tenant} className="input w-44">
          <option value="">All tenants</option>
          {tenants.map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="btn-primary" disabled={searching}>
        {searching ? "Searching…" : "Search"}
      </button>
      {problem ? (
        // Its own line under the field (a wrapped flex item), tied to the field by aria-describedby.
        <p id="user-search-problem" role="alert" className="-mt-1 w-full text-sm text-rose-700 dark:text-rose-400">
          {problem}
        </p>
      ) : null}
    </Form>
  );
}
