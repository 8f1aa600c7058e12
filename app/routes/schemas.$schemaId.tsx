import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Breadcrumbs } from "~/components/breadcrumbs";
import { JsonText } from "~/components/json-text";
import { SchemaForm } from "~/components/schema/schema-form";
import { JsonDiffView } from "~/components/session-editor/diff-editor.client";
import { useEditorsReady } from "~/components/session-editor/use-client-ready";
import { useDarkMode } from "~/components/session-editor/use-dark-mode";
import { getConfig } from "~/config.server";
import { layoutJson, parseJson } from "~/json";
import { runSchemaForm, type SchemaFormAnswer } from "~/schema/form.server";
import { listSchemaVersions } from "~/schema/store.server";
import { requireStaff } from "~/staff/guard.server";
import { readFormData } from "~/utils/request-input.server";

export { ErrorBoundary } from "~/components/route-error-boundary";

export const meta: MetaFunction = () => [{ title: "Schema · Session Desk" }];

const idSchema = z.string().regex(/^(file|sch_[0-9a-f]{12})$/);
const versionSchema = z.coerce.number().int().positive().optional();

function parseId(params: { schemaId?: string }): string {
  const parsed = idSchema.safeParse(params.schemaId);
  if (!parsed.success) throw json({ message: "There is no such schema." }, { status: 404 });
  return parsed.data;
}

/** The schema's text laid out the same way for every version, so the diff shows changes, not spacing. */
function laidOut(text: string): string {
  try {
    return layoutJson(parseJson(text));
  } catch {
    return text;
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, "viewer");
  const schemaId = parseId(params);
  const versions = await listSchemaVersions(schemaId);
  if (versions.length === 0) throw json({ message: "There is no such schema." }, { status: 404 });
  const asked = versionSchema.safeParse(new URL(request.url).searchParams.get("v") ?? undefined);
  const shown = versions.find((version) => version.version === (asked.success ? asked.data : undefined)) ?? versions[0]!;
  const previous = versions.find((version) => version.version === shown.version - 1);
  const latest = versions[0]!;
  return json({
    schema: { id: schemaId, name: latest.name, source: latest.source, status: latest.status, tenants: latest.tenants, description: latest.description, latestText: latest.schemaText },
    versions: versions.map((version) => ({ version: version.version, createdAt: version.createdAt, staffName: version.staffName, staffEmail: version.staffEmail, reason: version.reason, status: version.status, name: version.name, tenants: version.tenants })),
    shown: { version: shown.version, text: laidOut(shown.schemaText) },
    previous: previous ? { version: previous.version, text: laidOut(previous.schemaText) } : null,
    canEdit: staff.role === "admin" && latest.source === "database",
    reasonRequired: getConfig().AUDIT_REASON_REQUIRED,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request, "admin");
  const schemaId = parseId(params);
  return runSchemaForm(staff, await readFormData(request), schemaId);
}

export default function SchemaPage() {
  const data = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as SchemaFormAnswer | undefined;
  const editorsReady = useEditorsReady();
  const dark = useDarkMode();
  const { schema } = data;
  return (
    <div className="space-y-5">
      <Breadcrumbs items={[{ label: "Schemas", to: "/schemas" }, { label: schema.name }]} />
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-xl font-semibold">{schema.name}</h1>
        <span className={`badge ${schema.status === "active" ? "bg-emerald-50 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300" : "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300"}`}>{schema.status}</span>
        {schema.source === "file" ? <span className="badge bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300">from file · read-only</span> : null}
        <span className="text-sm text-slate-600 dark:text-slate-300">Applies to {schema.tenants === null ? "every tenant" : schema.tenants.join(", ")}</span>
      </div>
      {schema.description ? <p className="text-sm text-slate-600 dark:text-slate-300">{schema.description}</p> : null}
      <section aria-labelledby="versions-heading" className="space-y-2">
        <h2 id="versions-heading" className="text-lg font-semibold">
          Versions
        </h2>
        <div className="card overflow-x-auto">
          <table className="w-full text-sm">
            <thead>
              <tr>
                <th className="th">Version</th>
                <th className="th">Saved</th>
                <th className="th">By</th>
                <th className="th">Status</th>
                <th className="th">Reason</th>
              </tr>
            </thead>
            <tbody>
              {data.versions.map((version) => (
                <tr key={version.version} aria-current={version.version === data.shown.version ? "true" : undefined} className={version.version === data.shown.version ? "bg-indigo-50/60 dark:bg-indigo-950/40" : undefined}>
                  <td className="td">
                    <Link to={`?v=${version.version}`} className="text-indigo-700 hover:underline dark:text-indigo-300" preventScrollReset>
                      Version {version.version}
                    </Link>
                  </td>
                  <td className="td text-xs">{version.createdAt.slice(0, 19).replace("T", " ")} UTC</td>
                  <td className="td text-xs">
                    {version.staffName} <span className="text-slate-500">{version.staffEmail}</span>
                  </td>
                  <td className="td">{version.status}</td>
                  <td className="td break-words">{version.reason ?? <span className="text-slate-500">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="shown-heading" className="space-y-2">
        <h2 id="shown-heading" className="text-lg font-semibold">
          {data.previous ? `Version ${data.previous.version} → version ${data.shown.version}` : `Version ${data.shown.version}`}
        </h2>
        {data.previous && editorsReady ? (
          <JsonDiffView original={data.previous.text} modified={data.shown.text} dark={dark} label={`Difference between version ${data.previous.version} and version ${data.shown.version}`} />
        ) : (
          <JsonText text={data.shown.text} label={`Schema version ${data.shown.version}`} maxHeight="32rem" />
        )}
      </section>
      {data.canEdit ? (
        <section aria-labelledby="new-version" className="space-y-2">
          <h2 id="new-version" className="text-lg font-semibold">
            Save a new version
          </h2>
          <SchemaForm
            key={data.versions[0]!.version}
            initial={{
              name: answer?.values.name ?? schema.name,
              description: answer?.values.description ?? schema.description ?? "",
              tenants: answer?.values.tenants ?? (schema.tenants ?? []).join(", "),
              status: (answer?.values.status ?? schema.status) === "retired" ? "retired" : "active",
              schemaText: answer?.values.schemaText ?? schema.latestText,
            }}
            problems={answer?.problems ?? []}
            reasonRequired={data.reasonRequired}
            submitLabel="Save as a new version"
          />
        </section>
      ) : null}
    </div>
  );
}
