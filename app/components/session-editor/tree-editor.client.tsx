/**
 * The same data as a tree, for staff who do not write JSON by hand (json-edit-react, client-only):
 * expand and collapse, edit a value with an input of its type, add / rename / delete keys, add and
 * remove array items, change a value's type. Every change hands the whole new document up, where it
 * becomes the editor's text — so the text and the tree never disagree, and both lead to one review.
 */
import { githubDarkTheme, githubLightTheme, JsonEditor, type CustomNodeDefinition, type JsonData } from "json-edit-react";
import { isPlainObject, JsonNumber } from "~/json";

/**
 * An exact number (app/json/exact-number.ts: 9223372036854775807, 1.0, 1e400…) is an object to the tree
 * library, so it gets a node of its own that shows its text as a number. It is edited in the code view:
 * an input of type number would hold it as a double and lose the very digits it exists to keep.
 */
const isExactNumberNode = (value: unknown) => value instanceof JsonNumber || (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === JsonNumber.prototype);

function ExactNumberNode({ value }: { value: unknown }) {
  return (
    <span className="jer-value-number" style={{ color: "var(--jer-number, #0550ae)" }} title="Kept exactly as stored; edit it in the code view">
      {(value as JsonNumber).text}
    </span>
  );
}

const EXACT_NUMBER_NODE: CustomNodeDefinition = {
  condition: ({ value }) => isExactNumberNode(value),
  element: ExactNumberNode as CustomNodeDefinition["element"],
  name: "exact number",
  showInTypesSelector: false,
  showOnEdit: false,
  showEditTools: true,
  renderCollectionAsValue: true,
};

/** The tree may copy nodes when it rebuilds the document: any copy of an exact number becomes one again. */
function restoreExactNodes(value: unknown): unknown {
  if (value instanceof JsonNumber) return value;
  if (isExactNumberNode(value)) return new JsonNumber((value as { text: string }).text);
  if (Array.isArray(value)) return value.map(restoreExactNodes);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) Object.defineProperty(out, key, { value: restoreExactNodes(value[key]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

export function JsonTreeEditor({ data, onChange, viewOnly, dark }: { data: Record<string, unknown>; onChange: (data: Record<string, unknown>) => void; viewOnly: boolean; dark: boolean }) {
  return (
    <div data-testid="json-tree-editor" className="overflow-auto rounded-md border border-slate-200 dark:border-slate-800" style={{ maxHeight: "28rem" }}>
      <JsonEditor
        data={data as JsonData}
        setData={(next) => {
          // The root stays an object: session data is a map of keys.
          if (next && typeof next === "object" && !Array.isArray(next)) onChange(restoreExactNodes(next) as Record<string, unknown>);
        }}
        rootName="data"
        viewOnly={viewOnly}
        theme={dark ? githubDarkTheme : githubLightTheme}
        restrictTypeSelection={false}
        restrictEdit={({ level }) => level === 0}
        restrictDelete={({ level }) => level === 0}
        restrictDrag
        customNodeDefinitions={[EXACT_NUMBER_NODE]}
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
