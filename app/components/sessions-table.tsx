import { Link, useLocation, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import {
  columnVisibilityFeature,
  createSortedRowModel,
  rowSelectionFeature,
  rowSortingFeature,
  sortFn_basic,
  sortFn_text,
  tableFeatures,
  useTable,
  type ColumnDef,
  type RowSelectionState,
  type SortingState,
  type Updater,
} from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import type { SessionRow } from "~/sessions/rows";
import { formatBytes } from "~/json";
import { formatCount, formatDateTime, formatRelative } from "~/utils/format";
import { showInvisibleCharacters } from "~/utils/visible-text";
import { ConfirmSubmit } from "./confirm-submit";
import { CopyButton } from "./copy-button";
import { JsonText } from "./json-text";
import { KeyOrderToggle } from "./key-order";

const features = tableFeatures({
  rowSortingFeature,
  columnVisibilityFeature,
  rowSelectionFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { basic: sortFn_basic, text: sortFn_text },
});

type Columns = ColumnDef<typeof features, SessionRow>[];

const DAY = 24 * 3600_000;
// The actions column stays pinned to the right edge while the rest scrolls sideways, so a long value
// in another column can never push Revoke out of view.
const PINNED_CELL = "sticky right-0 bg-white shadow-[-1px_0_0_rgba(148,163,184,0.35)] dark:bg-slate-900";
const PINNED_HEADER = "sticky right-0 bg-slate-50 shadow-[-1px_0_0_rgba(148,163,184,0.35)] dark:bg-slate-900";
export const HIDEABLE_COLUMNS: Record<string, string> = {
  tenant: "Tenant",
  recipeUser: "Recipe user",
  created: "Created",
  expires: "Expires",
  size: "Data size",
  keys: "Data keys",
  tokenKeys: "Token payload keys",
};

/**
 * The user's sessions: sortable, filterable (also inside the data), selectable, expandable.
 * Rows are virtualised so a user with 10,000 sessions stays smooth; sort, filter, hidden columns and
 * open rows live in the URL so a link in a ticket reopens the same view.
 */
export function SessionsTable({ sessions, now, userId, canRevoke, canSelect, reasonRequired = true }: { sessions: SessionRow[]; now: number; userId: string; canRevoke: boolean; canSelect: boolean; reasonRequired?: boolean }) {
  const [searchParams, setSearchParams] = useSearchParams();
  const submit = useSubmit();
  const filterFromUrl = searchParams.get("filter") ?? "";
  const [filterText, setFilterText] = useState(filterFromUrl);
  const deferredFilter = useDeferredValue(filterText);
  const sorting = useMemo(() => parseSort(searchParams.get("sort")), [searchParams]);
  // Without an explicit choice in the URL, the recipe-user column only shows when it tells something
  // (linked accounts); `hide=` (empty) in the URL means "show everything".
  const linked = useMemo(() => sessions.some((session) => session.recipeUserId !== userId), [sessions, userId]);
  const hideParam = searchParams.get("hide");
  const hidden = useMemo(() => new Set((hideParam ?? (linked ? "" : "recipeUser")).split(",").filter(Boolean)), [hideParam, linked]);
  const open = useMemo(() => new Set(searchParams.getAll("open")), [searchParams]);
  const [rowSelection, setRowSelection] = useState<RowSelectionState>({});
  // A marker for tests and benchmarks: this table is hydrated and its controls answer. The sessions
  // stream in their own Suspense boundary, which React may hydrate after the rest of the page, so the
  // page-wide marker on <html> is not enough. Set directly: no extra render of a 10,000-row table.
  const cardRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    cardRef.current?.setAttribute("data-interactive", "true");
  }, [sessions.length]);

  const updateParams = useCallback(
    (change: (params: URLSearchParams) => void) => {
      setSearchParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          change(next);
          return next;
        },
        { replace: true, preventScrollReset: true },
      );
    },
    [setSearchParams],
  );

  // Set when "Apply to N selected" is posted: a navigation started after it (the filter's own, below)
  // would cancel that submission, so the page keeps still until it has left.
  const leaving = useRef(false);
  // Where this table is, and whether the page is on its way elsewhere: the filter's URL update below must
  // not replace the page a person went to (Back, or a link) within its pause, which would bounce them here.
  const location = useLocation();
  const navigation = useNavigation();
  const elsewhere = useRef(false);
  elsewhere.current = navigation.state !== "idle" && navigation.location?.pathname !== location.pathname;
  // The URL follows the filter box after a short pause, not on every keystroke.
  useEffect(() => {
    if (filterText === filterFromUrl) return;
    const timer = setTimeout(() => {
      // On Back the browser's URL has already changed while the router loads the previous page.
      if (leaving.current || elsewhere.current || window.location.pathname !== location.pathname) return;
      updateParams((p) => (filterText ? p.set("filter", filterText) : p.delete("filter")));
    }, 250);
    return () => clearTimeout(timer);
  }, [filterText, filterFromUrl, updateParams, location.pathname]);

  // Matching "inside the data" means the JSON text; lower-cased once per load, not per keystroke.
  const searchIndex = useMemo(
    () => new Map(sessions.map((s) => [s.handle, `${s.handle} ${s.tenantId} ${s.recipeUserId} ${s.dataText} ${s.accessTokenPayloadText}`.toLowerCase()])),
    [sessions],
  );
  const filtered = useMemo(() => {
    const needle = deferredFilter.trim().toLowerCase();
    return needle ? sessions.filter((s) => searchIndex.get(s.handle)!.includes(needle)) : sessions;
  }, [sessions, searchIndex, deferredFilter]);

  const toggleOpen = useCallback(
    (handle: string) => updateParams((p) => {
      const current = p.getAll("open");
      p.delete("open");
      for (const h of current.includes(handle) ? current.filter((x) => x !== handle) : [...current, handle]) p.append("open", h);
    }),
    [updateParams],
  );

  const columns = useMemo<Columns>(() => buildColumns({ now, userId, canRevoke, canSelect, open, toggleOpen, reasonRequired }), [now, userId, canRevoke, canSelect, open, toggleOpen, reasonRequired]);

  const table = useTable({
    features,
    columns,
    data: filtered,
    getRowId: (row) => row.handle,
    state: { sorting, columnVisibility: Object.fromEntries([...hidden].map((id) => [id, false])), rowSelection },
    onSortingChange: (updater: Updater<SortingState>) => {
      const next = typeof updater === "function" ? updater(sorting) : updater;
      updateParams((p) => (next[0] ? p.set("sort", `${next[0].desc ? "-" : ""}${next[0].id}`) : p.delete("sort")));
    },
    onRowSelectionChange: setRowSelection,
    enableRowSelection: canSelect,
  });

  const rows = table.getRowModel().rows;
  const items = useMemo(() => rows.flatMap((row) => (open.has(row.id) ? [{ row, detail: false }, { row, detail: true }] : [{ row, detail: false }])), [rows, open]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => (items[index]?.detail ? 240 : 37),
    overscan: 16,
    // Server render and first paint show the top rows before the browser measures anything.
    initialRect: { width: 1200, height: 720 },
    getItemKey: (index) => `${items[index]!.row.id}${items[index]!.detail ? ":detail" : ""}`,
  });
  const virtualItems = virtualizer.getVirtualItems();
  const paddingTop = virtualItems[0]?.start ?? 0;
  const paddingBottom = virtualItems.length ? virtualizer.getTotalSize() - virtualItems[virtualItems.length - 1]!.end : 0;
  const visibleColumnCount = table.getVisibleLeafColumns().length;
  const selectedHandles = Object.keys(rowSelection).filter((handle) => rowSelection[handle]);

  if (sessions.length === 0) {
    return (
      <div className="card px-4 py-12 text-center">
        <p className="font-medium">No live sessions</p>
        <p className="mt-1 text-sm text-slate-500">This user is signed out everywhere (expired sessions are not listed by the core).</p>
      </div>
    );
  }

  return (
    <div className="card overflow-hidden" ref={cardRef} data-sessions-table="">
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 px-3 py-2 dark:border-slate-800">
        <label htmlFor="session-filter" className="sr-only">
          Filter sessions
        </label>
        <input
          id="session-filter"
          type="search"
          className="input max-w-sm"
          placeholder="Filter: handle, tenant, or anything inside the data"
          value={filterText}
          onChange={(event) => setFilterText(event.target.value)}
        />
        <span className="text-xs text-slate-500" aria-live="polite">
          {filtered.length === sessions.length ? `${formatCount(sessions.length)} sessions` : `${formatCount(filtered.length)} of ${formatCount(sessions.length)} sessions match`}
        </span>
        {/* "contents": the column chooser (ColumnMenu) can open as a full-width row of this toolbar. */}
        <span aria-hidden className="ml-auto" />
        <div className="contents">
          {canSelect ? (
            <button
              type="button"
              className="btn btn-sm disabled:opacity-50"
              disabled={selectedHandles.length === 0}
              // The selection goes in a POST body, never the address: a few hundred handles make a request
              // line longer than servers accept (HTTP 431). The form stores it and redirects to ?selection=<id>.
              onClick={() => {
                const form = new FormData();
                form.set("intent", "select");
                for (const handle of selectedHandles) form.append("handle", handle);
                leaving.current = true;
                submit(form, { method: "post", action: `/users/${encodeURIComponent(userId)}/bulk` });
              }}
            >
              Apply to {selectedHandles.length ? `${formatCount(selectedHandles.length)} selected` : "selected"}
            </button>
          ) : null}
          <ColumnMenu hidden={hidden} onToggle={(id) => updateParams((p) => {
            const next = new Set(hidden);
            if (next.has(id)) next.delete(id);
            else next.add(id);
            p.set("hide", [...next].join(","));
          })} />
        </div>
      </div>
      <div ref={scrollRef} className="max-h-[70vh] overflow-auto" data-testid="sessions-scroll">
        <table className="min-w-full" aria-rowcount={filtered.length + 1}>
          <thead className="sticky top-0 z-10 bg-slate-50 shadow-[0_1px_0_rgba(0,0,0,0.08)] dark:bg-slate-900">
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  return (
                    <th key={header.id} scope="col" className={`th ${header.column.id === "actions" ? PINNED_HEADER : ""}`} aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}>
                      {header.column.getCanSort() ? (
                        <button type="button" className="inline-flex items-center gap-1 uppercase hover:text-slate-900 dark:hover:text-white" onClick={header.column.getToggleSortingHandler()}>
                          <table.FlexRender header={header} />
                          <span aria-hidden>{sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}</span>
                        </button>
                      ) : (
                        <table.FlexRender header={header} />
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {paddingTop > 0 ? <tr aria-hidden style={{ height: paddingTop }} /> : null}
            {virtualItems.map((virtual) => {
              const item = items[virtual.index]!;
              if (item.detail) {
                return (
                  <tr key={virtual.key} data-index={virtual.index} ref={virtualizer.measureElement} className="bg-slate-50 dark:bg-slate-950">
                    <td colSpan={visibleColumnCount} className="px-3 py-2">
                      <SessionDetail session={item.row.original} userId={userId} />
                    </td>
                  </tr>
                );
              }
              return (
                <tr key={virtual.key} data-index={virtual.index} ref={virtualizer.measureElement} className={`hover:bg-slate-50 dark:hover:bg-slate-800/40 ${item.row.getIsSelected() ? "bg-indigo-50 dark:bg-indigo-950/40" : ""}`} data-handle={item.row.id}>
                  {item.row.getVisibleCells().map((cell) => (
                    <td key={cell.id} className={`td align-top ${cell.column.id === "actions" ? PINNED_CELL : ""}`} data-column={cell.column.id}>
                      <table.FlexRender cell={cell} />
                    </td>
                  ))}
                </tr>
              );
            })}
            {paddingBottom > 0 ? <tr aria-hidden style={{ height: paddingBottom }} /> : null}
          </tbody>
        </table>
        {filtered.length === 0 ? <p className="px-4 py-10 text-center text-sm text-slate-500">No session matches “{filterText}”.</p> : null}
      </div>
    </div>
  );
}

function buildColumns(ctx: { now: number; userId: string; canRevoke: boolean; canSelect: boolean; open: Set<string>; toggleOpen: (handle: string) => void; reasonRequired: boolean }): Columns {
  const sessionHref = (handle: string) => `/users/${encodeURIComponent(ctx.userId)}/sessions/${encodeURIComponent(handle)}`;
  const columns: Columns = [];
  if (ctx.canSelect) {
    columns.push({
      id: "select",
      enableSorting: false,
      header: ({ table }) => (
        <input type="checkbox" aria-label="Select all sessions" checked={table.getIsAllRowsSelected()} onChange={table.getToggleAllRowsSelectedHandler()} />
      ),
      cell: ({ row }) => <input type="checkbox" aria-label={`Select session ${row.id}`} checked={row.getIsSelected()} onChange={row.getToggleSelectedHandler()} />,
    });
  }
  columns.push(
    {
      id: "expand",
      enableSorting: false,
      header: () => <span className="sr-only">Show data</span>,
      cell: ({ row }) => (
        <button type="button" className="rounded px-1 text-slate-500 hover:bg-slate-100 dark:hover:bg-slate-800" aria-expanded={ctx.open.has(row.id)} aria-label={`${ctx.open.has(row.id) ? "Hide" : "Show"} data of session ${row.id}`} onClick={() => ctx.toggleOpen(row.id)}>
          {ctx.open.has(row.id) ? "▾" : "▸"}
        </button>
      ),
    },
    {
      id: "handle",
      header: "Handle",
      accessorFn: (row) => row.handle,
      sortFn: "text",
      cell: ({ row }) => (
        <span className="flex items-center gap-1">
          <Link to={sessionHref(row.original.handle)} className="mono text-indigo-700 hover:underline dark:text-indigo-300" title={row.original.handle}>
            {row.original.handle.length > 24 ? `${row.original.handle.slice(0, 18)}…${row.original.handle.slice(-6)}` : row.original.handle}
          </Link>
          <CopyButton value={row.original.handle} label="Copy handle" />
          {row.original.schemaProblems ? (
            <span
              className="badge bg-rose-50 text-rose-700 ring-1 ring-rose-200 dark:bg-rose-950 dark:text-rose-200 dark:ring-rose-800"
              title={row.original.schemaProblems.lines.join("\n")}
              data-testid="schema-mismatch"
            >
              ✕ schema · {row.original.schemaProblems.count}
            </span>
          ) : null}
        </span>
      ),
    },
    { id: "tenant", header: "Tenant", accessorFn: (row) => row.tenantId, sortFn: "text" },
    { id: "recipeUser", header: "Recipe user", accessorFn: (row) => row.recipeUserId, sortFn: "text", cell: ({ getValue }) => <span className="mono">{String(getValue()).slice(0, 8)}…</span> },
    {
      id: "created",
      header: "Created",
      accessorFn: (row) => row.timeCreated,
      sortFn: "basic",
      cell: ({ row }) => <time dateTime={new Date(row.original.timeCreated).toISOString()} title={formatDateTime(row.original.timeCreated)}>{formatRelative(row.original.timeCreated, ctx.now)}</time>,
    },
    {
      id: "expires",
      header: "Expires",
      accessorFn: (row) => row.expiry,
      sortFn: "basic",
      cell: ({ row }) => {
        const soon = row.original.expiry - ctx.now < DAY;
        return (
          <span className="flex flex-col leading-tight">
            <span className={soon ? "font-medium text-amber-700 dark:text-amber-400" : undefined}>
              {formatRelative(row.original.expiry, ctx.now)}
              {soon ? <span className="badge ml-1 bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300">under 24 h</span> : null}
            </span>
            <span className="text-xs text-slate-500">{formatDateTime(row.original.expiry)}</span>
          </span>
        );
      },
    },
    { id: "size", header: "Data size", accessorFn: (row) => row.dataBytes, sortFn: "basic", cell: ({ row }) => formatBytes(row.original.dataBytes) },
    { id: "keys", header: "Data keys", accessorFn: (row) => row.dataKeys.join(", "), sortFn: "text", cell: ({ row }) => <KeyList keys={row.original.dataKeys} /> },
    { id: "tokenKeys", header: "Token payload keys", accessorFn: (row) => row.tokenKeys.join(", "), sortFn: "text", cell: ({ row }) => <KeyList keys={row.original.tokenKeys} /> },
    {
      id: "actions",
      enableSorting: false,
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) => (
        <span className="flex items-center gap-1">
          <Link to={sessionHref(row.original.handle)} className="btn btn-sm">
            {ctx.canRevoke ? "Edit" : "View"}
          </Link>
          {ctx.canRevoke ? (
            <ConfirmSubmit intent="revoke" fields={{ sessionHandle: row.original.handle }} label="Revoke" confirmLabel="Confirm revoke" small reason={{ required: ctx.reasonRequired, label: `Reason for revoking session ${row.original.handle}` }} />
          ) : null}
        </span>
      ),
    },
  );
  return columns;
}

function KeyList({ keys }: { keys: string[] }) {
  if (keys.length === 0) return <span className="text-slate-400">—</span>;
  // Keys are raw text from the data: a NUL or a CR in one is written as its escape (\u0000), the same on server and browser.
  const shown = keys.slice(0, 3);
  return (
    <span className="mono block max-w-[18rem] truncate text-slate-700 dark:text-slate-300" title={showInvisibleCharacters(keys.join(", "))}>
      {showInvisibleCharacters(shown.join(", "))}
      {keys.length > shown.length ? ` +${keys.length - shown.length}` : ""}
    </span>
  );
}

function SessionDetail({ session, userId }: { session: SessionRow; userId: string }) {
  return (
    <div className="grid gap-3 lg:grid-cols-2">
      <div>
        <div className="mb-1 flex items-center justify-between">
          <h3 className="label">Data in the database (read-only)</h3>
          <KeyOrderToggle className="ml-auto mr-3" />
          <Link className="text-xs text-indigo-700 hover:underline dark:text-indigo-300" to={`/users/${encodeURIComponent(userId)}/sessions/${encodeURIComponent(session.handle)}`}>
            Open in editor →
          </Link>
        </div>
        <JsonText text={session.dataText} label={`Data of session ${session.handle}`} />
      </div>
      <div>
        <h3 className="label mb-1">Access-token payload (read-only)</h3>
        <JsonText text={session.accessTokenPayloadText} label={`Access-token payload of session ${session.handle}`} />
      </div>
    </div>
  );
}

/**
 * The column chooser opens as a row of its own under the toolbar, pushing the table down, so it never
 * covers a row's actions; Escape or a click anywhere else closes it.
 */
function ColumnMenu({ hidden, onToggle }: { hidden: Set<string>; onToggle: (id: string) => void }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setOpen(false);
      button.current?.focus();
    };
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onPointer);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onPointer);
    };
  }, [open]);
  return (
    <div ref={root} className="contents">
      <button ref={button} type="button" className="btn btn-sm" aria-expanded={open} aria-controls="session-columns" onClick={() => setOpen((value) => !value)}>
        Columns
      </button>
      {open ? (
        <fieldset id="session-columns" className="order-last flex w-full flex-wrap items-center gap-x-4 gap-y-1 border-t border-slate-100 pt-2 text-sm dark:border-slate-800">
          <legend className="sr-only">Visible columns</legend>
          {Object.entries(HIDEABLE_COLUMNS).map(([id, label]) => (
            <label key={id} className="flex items-center gap-1.5">
              <input type="checkbox" checked={!hidden.has(id)} onChange={() => onToggle(id)} />
              {label}
            </label>
          ))}
        </fieldset>
      ) : null}
    </div>
  );
}

function parseSort(value: string | null): SortingState {
  if (!value) return [{ id: "created", desc: true }];
  const desc = value.startsWith("-");
  return [{ id: desc ? value.slice(1) : value, desc }];
}
