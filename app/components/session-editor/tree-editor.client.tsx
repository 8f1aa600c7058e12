/**
 * The same data as a tree, for staff who do not write JSON by hand (json-edit-react, client-only):
 * expand and collapse, edit a value with an input of its type, add / rename / delete keys, add and
 * remove array items, change a value's type. Every change hands the whole new document up, where it
 * becomes the editor's text — so the text and the tree never disagree, and both lead to one review.
 */
import { githubDarkTheme, githubLightTheme, JsonEditor, type JsonData } from "json-edit-react";

export function JsonTreeEditor({ data, onChange, viewOnly, dark }: { data: Record<string, unknown>; onChange: (data: Record<string, unknown>) => void; viewOnly: boolean; dark: boolean }) {
  return (
    <div data-testid="json-tree-editor" className="overflow-auto rounded-md border border-slate-200 dark:border-slate-800" style={{ maxHeight: "28rem" }}>
      <JsonEditor
        data={data as JsonData}
        setData={(next) => {
          // The root stays an object: session data is a map of keys.
          if (next && typeof next === "object" && !Array.isArray(next)) onChange(next as Record<string, unknown>);
        }}
        rootName="data"
        viewOnly={viewOnly}
        theme={dark ? githubDarkTheme : githubLightTheme}
        restrictTypeSelection={false}
        restrictEdit={({ level }) => level === 0}
        restrictDelete={({ level }) => level === 0}
        restrictDrag
        collapse={3}
        showIconTooltips
        enableClipboard={false}
        minWidth="100%"
        maxWidth="100%"
        rootFontSize="13px"
      />
    </div>
  );
}
