/**
 * The same data as a tree, for staff who do not write JSON by hand (client-only): expand and collapse,
 * edit a value with an input of its type, change its type, rename / add / delete keys, add and delete
 * array items. Every change hands the whole new document up, where it becomes the editor's text — so the
 * text and the tree never disagree, and both lead to one review.
 *
 * Built for a session up to the 1 MiB limit (tens of thousands of nodes): the document is flattened into
 * the rows of open nodes only (tree-model.ts), large collections start closed, and only the rows on screen
 * plus a margin are in the DOM (@tanstack/react-virtual). json-edit-react, used before, rendered every
 * node of a 198 KiB session at once (222,585 DOM nodes, 18 s to open).
 *
 * Exact numbers (JsonNumber: 9223372036854775807, 1.0, 1e400…) show their own text. Editing a number
 * takes its text and keeps it exactly (numberFromText), and edits share every untouched subtree with the
 * document, so no exact number elsewhere is ever copied or rounded.
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { formatKeyPath, isJsonNumber, numberText, type JsonObject } from "~/json";
import { numberFromText } from "~/json/exact-number";
import { showInvisibleCharacters, showInvisibleInJson } from "~/utils/visible-text";
import { applyTreeEdit, convertValue, flattenTree, initialExpanded, kindOf, pointersAlong, type NodeKind, type TreeEdit, type TreeRow } from "./tree-model";

const ROW_PX = 26;
const INDENT_PX = 16;
/** Rows rendered above and below the visible ones. */
const OVERSCAN = 10;
const KINDS: NodeKind[] = ["string", "number", "boolean", "null", "object", "array"];
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

const VALUE_STYLE: Record<NodeKind, string> = {
  string: "text-emerald-700 dark:text-emerald-300",
  number: "text-sky-700 dark:text-sky-300",
  boolean: "text-violet-700 dark:text-violet-300",
  null: "text-slate-500 dark:text-slate-400",
  object: "text-slate-500 dark:text-slate-400",
  array: "text-slate-500 dark:text-slate-400",
};

function keyLabel(row: TreeRow): string {
  if (row.key === null) return "data";
  // A key may hold characters nobody can see (NUL, U+2028…): shown as their escapes, like the JSON views.
  return typeof row.key === "number" ? String(row.key) : showInvisibleCharacters(row.key);
}

/** What a row shows as its value: JSON for primitives (strings quoted), a count for collections. */
function valueText(row: TreeRow): string {
  switch (row.kind) {
    case "object":
      return `{${row.size} ${row.size === 1 ? "key" : "keys"}}${row.expanded ? "" : " …"}`;
    case "array":
      return `[${row.size} ${row.size === 1 ? "item" : "items"}]${row.expanded ? "" : " …"}`;
    case "string":
      return showInvisibleInJson(JSON.stringify(row.value));
    case "number":
      return numberText(row.value as number);
    default:
      return String(row.value);
  }
}

/** Memoised: a keystroke in the text editor re-renders the workspace, and must not re-render the tree. */
export const JsonTreeEditor = memo(function JsonTreeEditor({
  data,
  onChange,
  viewOnly,
  dark,
  invalid,
}: {
  data: JsonObject;
  onChange: (data: JsonObject) => void;
  viewOnly: boolean;
  dark: boolean;
  /** Where the text editor's markers are (schema errors), JSON Pointer → messages: those rows are marked. */
  invalid?: ReadonlyMap<string, string[]>;
}) {
  const [expanded, setExpanded] = useState(() => initialExpanded(data));
  const rows = useMemo(() => flattenTree(data, expanded), [data, expanded]);
  const [editing, setEditing] = useState<string | null>(null);
  const [addingTo, setAddingTo] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [scrollTo, setScrollTo] = useState<string | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_PX,
    overscan: OVERSCAN,
    getItemKey: (index) => rows[index]!.id,
  });

  // After an add, show the new row (it may be far below, outside the rendered window).
  useEffect(() => {
    if (scrollTo === null) return;
    const index = rows.findIndex((row) => row.id === scrollTo);
    if (index >= 0) virtualizer.scrollToIndex(index, { align: "auto" });
    setScrollTo(null);
  }, [scrollTo, rows, virtualizer]);

  const toggle = (row: TreeRow) =>
    setExpanded((previous) => {
      const next = new Set(previous);
      if (next.has(row.id)) next.delete(row.id);
      else next.add(row.id);
      return next;
    });

  const apply = (edit: TreeEdit, then?: { open?: string[]; edit?: string }) => {
    const result = applyTreeEdit(data, edit);
    if (!result.ok) {
      setError(result.error);
      return false;
    }
    setError(null);
    if (then?.open) setExpanded((previous) => new Set([...previous, ...then.open!]));
    setEditing(then?.edit ?? null);
    if (then?.edit) setScrollTo(then.edit);
    onChange(result.value);
    return true;
  };

  const addEntry = (row: TreeRow, key?: string) => {
    const path = row.path;
    const childPath = row.kind === "array" ? [...path, row.size] : [...path, key ?? ""];
    const childPointer = pointersAlong(childPath).pop()!;
    if (apply({ op: "add", path, key, value: null }, { open: pointersAlong(path).concat(row.id), edit: childPointer })) setAddingTo(null);
  };

  return (
    <div className="space-y-1">
      {error ? (
        <p role="alert" className="rounded-md border border-rose-300 bg-rose-50 px-2 py-1 text-xs text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-100">
          {error}
        </p>
      ) : null}
      <div
        ref={scrollRef}
        data-testid="json-tree-editor"
        data-rows={rows.length}
        role="tree"
        aria-label="Session data as a tree"
        className={`mono overflow-auto rounded-md border border-slate-200 text-[13px] dark:border-slate-800 ${dark ? "bg-slate-950 text-slate-200" : "bg-white text-slate-800"}`}
        style={{ maxHeight: "28rem", contain: "strict", height: `min(28rem, ${virtualizer.getTotalSize() + 2}px)` }}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: "relative", width: "100%" }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index]!;
            return (
              <div key={item.key} data-index={item.index} ref={virtualizer.measureElement} className="absolute left-0 top-0 w-full" style={{ transform: `translateY(${item.start}px)` }}>
                <TreeRowView
                  row={row}
                  problems={invalid?.get(row.id) ?? (!row.expanded && invalid && [...invalid.keys()].some((pointer) => pointer.startsWith(`${row.id}/`)) ? ["Something inside does not match the schema"] : undefined)}
                  position={item.index + 1}
                  count={rows.length}
                  viewOnly={viewOnly}
                  editing={editing === row.id}
                  adding={addingTo === row.id}
                  onToggle={() => toggle(row)}
                  onEdit={() => {
                    setAddingTo(null);
                    setEditing(row.id);
                  }}
                  onCancel={() => {
                    setEditing(null);
                    setAddingTo(null);
                    setError(null);
                  }}
                  onSave={(edit) => apply(edit)}
                  onDelete={() => apply({ op: "delete", path: row.path })}
                  onAdd={() => {
                    setEditing(null);
                    if (row.kind === "array") addEntry(row);
                    else setAddingTo(row.id);
                  }}
                  onAddKey={(key) => addEntry(row, key)}
                />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
});

function TreeRowView({
  row,
  problems,
  position,
  count,
  viewOnly,
  editing,
  adding,
  onToggle,
  onEdit,
  onCancel,
  onSave,
  onDelete,
  onAdd,
  onAddKey,
}: {
  row: TreeRow;
  /** Schema errors at this node (or inside it, when closed): the row is marked with them. */
  problems?: string[];
  position: number;
  count: number;
  viewOnly: boolean;
  editing: boolean;
  adding: boolean;
  onToggle(): void;
  onEdit(): void;
  onCancel(): void;
  onSave(edit: TreeEdit): boolean;
  onDelete(): void;
  onAdd(): void;
  onAddKey(key: string): void;
}) {
  const collection = row.kind === "object" || row.kind === "array";
  const label = row.key === null ? "the data" : formatKeyPath(row.path);
  const exact = isJsonNumber(row.value);
  return (
    <div
      role="treeitem"
      aria-level={row.depth + 1}
      aria-expanded={collection ? row.expanded : undefined}
      aria-posinset={position}
      aria-setsize={count}
      aria-selected={false}
      aria-label={`${label}: ${collection ? valueText(row) : valueText(row).slice(0, 80)}`}
      data-pointer={row.id}
      data-key={row.key === null ? undefined : String(row.key)}
      data-invalid={problems ? "true" : undefined}
      className={`group border-b border-transparent hover:bg-slate-50 dark:hover:bg-slate-900 ${problems ? "bg-rose-50/70 dark:bg-rose-950/40" : ""}`}
      style={{ paddingLeft: 4 + row.depth * INDENT_PX }}
    >
      <div className="flex min-h-[26px] items-center gap-1 whitespace-nowrap">
        {collection ? (
          <button type="button" className="w-5 shrink-0 text-slate-500 hover:text-slate-900 dark:hover:text-white" onClick={onToggle} aria-label={`${row.expanded ? "Collapse" : "Expand"} ${label}`}>
            {row.expanded ? "▾" : "▸"}
          </button>
        ) : (
          <span className="w-5 shrink-0" aria-hidden="true" />
        )}
        <span className={`shrink-0 ${row.parentKind === "array" ? "text-slate-500" : "font-semibold text-slate-700 dark:text-slate-200"}`}>{keyLabel(row)}</span>
        <span className="shrink-0 text-slate-400" aria-hidden="true">
          :
        </span>
        {editing ? null : (
          <span
            className={`min-w-0 truncate ${VALUE_STYLE[row.kind]}`}
            title={exact ? "Kept exactly as stored" : row.kind === "string" && (row.value as string).length > 60 ? (row.value as string).slice(0, 2000) : undefined}
          >
            {valueText(row)}
          </span>
        )}
        {problems ? (
          <span className="ml-1 shrink-0 rounded bg-rose-100 px-1 text-xs font-medium text-rose-800 dark:bg-rose-900 dark:text-rose-100" title={problems.join("\n")} data-testid="tree-schema-problem">
            ✕ {problems[0]!.length > 60 ? `${problems[0]!.slice(0, 59)}…` : problems[0]}
          </span>
        ) : null}
        {!viewOnly && !editing ? (
          <span className="ml-auto flex shrink-0 gap-0.5 pr-1 opacity-0 focus-within:opacity-100 group-hover:opacity-100">
            {row.key !== null ? <RowButton title="Edit" label={`Edit ${label}`} onClick={onEdit} symbol="✎" /> : null}
            {collection ? <RowButton title="Add" label={row.kind === "array" ? `Add an item to ${label}` : `Add a key to ${label}`} onClick={onAdd} symbol="+" /> : null}
            {row.key !== null ? <RowButton title="Delete" label={`Delete ${label}`} onClick={onDelete} symbol="✕" /> : null}
          </span>
        ) : null}
      </div>
      {editing ? <ValueForm row={row} label={label} onSave={onSave} onCancel={onCancel} /> : null}
      {adding ? <NewKeyForm label={label} onAdd={onAddKey} onCancel={onCancel} /> : null}
    </div>
  );
}

function RowButton({ title, label, symbol, onClick }: { title: string; label: string; symbol: string; onClick(): void }) {
  return (
    <button type="button" title={title} aria-label={label} onClick={onClick} className="rounded px-1 text-slate-500 hover:bg-slate-200 hover:text-slate-900 dark:hover:bg-slate-800 dark:hover:text-white">
      {symbol}
    </button>
  );
}

/** Enter saves (Shift+Enter is a new line in text), Escape cancels. */
function formKeys(save: () => void, cancel: () => void) {
  return (event: KeyboardEvent) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      save();
    } else if (event.key === "Escape") {
      event.preventDefault();
      cancel();
    }
  };
}

function ValueForm({ row, label, onSave, onCancel }: { row: TreeRow; label: string; onSave(edit: TreeEdit): boolean; onCancel(): void }) {
  const [key, setKey] = useState(typeof row.key === "string" ? row.key : "");
  const [kind, setKind] = useState<NodeKind>(row.kind);
  const initialText = row.kind === "string" ? (row.value as string) : row.kind === "number" ? numberText(row.value as number) : row.kind === "boolean" ? String(row.value) : "";
  const [text, setText] = useState(initialText);
  const [problem, setProblem] = useState<string | null>(null);

  const save = () => {
    let value: unknown;
    if (kind === row.kind && (kind === "object" || kind === "array" || kind === "null")) value = row.value;
    else if (kind === "string") value = text;
    else if (kind === "number") {
      const trimmed = text.trim();
      if (!JSON_NUMBER.test(trimmed)) {
        setProblem("A number, as JSON writes it (e.g. 42, -1.5, 1e6)");
        return;
      }
      // Kept as typed: a double when that keeps the text, an exact number when not.
      value = numberFromText(trimmed);
    } else if (kind === "boolean") value = text === "true";
    else value = convertValue(row.value, kind);
    const renamed = row.parentKind === "object" && key !== row.key;
    onSave(renamed ? { op: "rename", path: row.path, newKey: key, value } : { op: "set", path: row.path, value });
  };
  const onKeyDown = formKeys(save, onCancel);
  const changeKind = (next: NodeKind) => {
    setKind(next);
    setProblem(null);
    if (next === "boolean") setText(text === "true" ? "true" : "false");
    else if (next === "number" && !JSON_NUMBER.test(text.trim())) setText("0");
  };

  return (
    <div role="group" aria-label={`Edit ${label}`} className="flex flex-wrap items-start gap-1 py-1 pr-1" style={{ paddingLeft: 24 }}>
      {row.parentKind === "object" ? <input aria-label="Key" className="input h-7 w-40 py-0 text-xs" value={key} onChange={(event) => setKey(event.target.value)} onKeyDown={onKeyDown} /> : null}
      <select aria-label="Type" className="input h-7 w-24 py-0 text-xs" value={kind} onChange={(event) => changeKind(event.target.value as NodeKind)} onKeyDown={onKeyDown}>
        {KINDS.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
      {kind === "string" ? (
        // eslint-disable-next-line jsx-a11y/no-autofocus -- the person just asked to edit this value
        <textarea aria-label="Value" autoFocus rows={1} className="input min-h-7 min-w-[12rem] flex-1 py-0.5 text-xs" value={text} onChange={(event) => setText(event.target.value)} onKeyDown={onKeyDown} />
      ) : kind === "number" ? (
        // eslint-disable-next-line jsx-a11y/no-autofocus
        <input aria-label="Value" autoFocus inputMode="decimal" className="input h-7 w-48 py-0 text-xs" value={text} onChange={(event) => setText(event.target.value)} onKeyDown={onKeyDown} />
      ) : kind === "boolean" ? (
        <select aria-label="Value" className="input h-7 w-24 py-0 text-xs" value={text} onChange={(event) => setText(event.target.value)} onKeyDown={onKeyDown}>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      ) : null}
      <button type="button" className="btn btn-sm" onClick={save}>
        Save
      </button>
      <button type="button" className="btn btn-sm" onClick={onCancel}>
        Cancel
      </button>
      {problem ? (
        <span role="alert" className="w-full text-xs text-rose-700 dark:text-rose-300">
          {problem}
        </span>
      ) : null}
    </div>
  );
}

function NewKeyForm({ label, onAdd, onCancel }: { label: string; onAdd(key: string): void; onCancel(): void }) {
  const [key, setKey] = useState("");
  const onKeyDown = formKeys(() => onAdd(key), onCancel);
  return (
    <div role="group" aria-label={`Adding to ${label}`} className="flex items-center gap-1 py-1 pr-1" style={{ paddingLeft: 24 }}>
      {/* eslint-disable-next-line jsx-a11y/no-autofocus -- the person just asked to add a key */}
      <input aria-label="New key" autoFocus className="input h-7 w-48 py-0 text-xs" value={key} onChange={(event) => setKey(event.target.value)} onKeyDown={onKeyDown} />
      <button type="button" className="btn btn-sm" onClick={() => onAdd(key)}>
        Add
      </button>
      <button type="button" className="btn btn-sm" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
