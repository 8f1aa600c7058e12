import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { SchemaForm } from "~/components/schema/schema-form";
import { getConfig } from "~/config.server";
import { runSchemaForm, type SchemaFormAnswer } from "~/schema/form.server";
import { listSchemas } from "~/schema/store.server";
import { requireStaff } from "~/staff/guard.server";
import { readFormData } from "~/utils/request-input.server";

export { ErrorBoundary } from "~/components/route-error-boundary";

export const meta: MetaFunction = () => [{ title: "Schemas · Session Desk" }];

const STARTER = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {
    "plan": { "enum": ["free", "pro"], "description": "The billing plan the app reads" }
  }
}`;

/** Every staff member may read the schemas (the editor checks against them); only admins change them. */
export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, "viewer");
  const schemas = await listSchemas();
  return json({
    schemas: schemas.map((schema) => ({ id: schema.schemaId, name: schema.name, version: schema.version, tenants: schema.tenants, status: schema.status, source: schema.source, createdAt: schema.createdAt, staffName: schema.staffName })),
    canEdit: staff.role === "admin",
    reasonRequired: getConfig().AUDIT_REASON_REQUIRED,
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request, "admin");
  return runSchemaForm(staff, await readFormData(request));
}

export default function SchemasPage() {
  const data = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as SchemaFormAnswer | undefined;
  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-xl font-semibold">Session data schemas</h1>
        <p className="text-sm text-slate-600 dark:text-slate-300">
          The shape session data must keep. Every write (editor, revert, bulk, API) is checked: a change that adds errors is refused, and the editor checks as you type.{" "}
          <Link to="/data-quality" className="text-indigo-700 hover:underline dark:text-indigo-300">
            Data quality
          </Link>{" "}
          lists the sessions that do not match.
        </p>
      </div>
      <div className="card overflow-x-auto">
        <table className="w-full text-sm">
          <thead>
            <tr>
              <th className="th">Name</th>
              <th className="th">Applies to</th>
              <th className="th">Status</th>
              <th className="th">Version</th>
              <th className="th">Saved</th>
            </tr>
          </thead>
          <tbody>
            {data.schemas.length === 0 ? (
              <tr>
                <td className="td text-slate-500" colSpan={5}>
                  No schema yet: session data is not checked. {data.canEdit ? "Add one below." : "An admin can add one."}
                </td>
              </tr>
            ) : (
              data.schemas.map((schema) => (
                <tr key={schema.id}>
                  <td className="td">
                    <Link to={`/schemas/${schema.id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                      {schema.name}
                    </Link>
                    {schema.source === "file" ? <span className="badge ml-2 bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300">from file</span> : null}
                  </td>
                  <td className="td mono text-xs">{schema.tenants === null ? "every tenant" : schema.tenants.join(", ")}</td>
                  <td className="td">
                    <span className={`badge ${schema.status === "active" ? "bg-emerald-50 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300" : "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300"}`}>{schema.status}</span>
                  </td>
                  <td className="td tabular-nums">{schema.version}</td>
                  <td className="td text-xs text-slate-500">
                    {schema.createdAt.slice(0, 16).replace("T", " ")} UTC · {schema.staffName}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {data.canEdit ? (
        <section aria-labelledby="new-schema" className="space-y-2">
          <h2 id="new-schema" className="text-lg font-semibold">
            New schema
          </h2>
          <SchemaForm
            initial={{ name: answer?.values.name ?? "", description: answer?.values.description ?? "", tenants: answer?.values.tenants ?? "", status: answer?.values.status === "retired" ? "retired" : "active", schemaText: answer?.values.schemaText ?? STARTER }}
            problems={answer?.problems ?? []}
            reasonRequired={data.reasonRequired}
            submitLabel="Save schema"
          />
        </section>
      ) : null}
    </div>
  );
}
