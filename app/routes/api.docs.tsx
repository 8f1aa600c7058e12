/**
 * The API's reference page, rendered on the server from the same OpenAPI document the API serves
 * (/api/v1/openapi.json), so it cannot describe a different API. No CDN, no client-side viewer.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { openApiDocument } from "~/api/openapi.server";
import { PROBLEMS, problemType } from "~/api/problem.server";
import { API_SCOPES, ROLE_FOR_SCOPE, SCOPE_DESCRIPTIONS } from "~/api/scopes";
import { requireStaff } from "~/staff/guard.server";

export const meta: MetaFunction = () => [{ title: "API reference · Session Desk" }];

interface Operation {
  method: string;
  path: string;
  summary: string;
  description: string;
  parameters: { name: string; in: string; required: boolean; description?: string; schema: string }[];
  body: string | null;
  responses: { status: string; description: string }[];
}

const schemaText = (schema: unknown) => JSON.stringify(schema, null, 2);

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request, "viewer");
  const document = openApiDocument() as unknown as {
    info: { title: string; description: string };
    paths: Record<string, Record<string, { summary: string; description: string; parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: unknown }[]; requestBody?: { content: Record<string, { schema: unknown }> }; responses: Record<string, { description: string }> }>>;
    components: { schemas: Record<string, unknown> };
  };
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const bodySchema = operation.requestBody?.content["application/json"]?.schema as { $ref?: string } | undefined;
      const resolved = bodySchema?.$ref ? document.components.schemas[bodySchema.$ref.split("/").pop()!] : bodySchema;
      operations.push({
        method: method.toUpperCase(),
        path: `/api/v1${path}`,
        summary: operation.summary,
        description: operation.description,
        parameters: (operation.parameters ?? []).map((parameter) => ({
          name: parameter.name,
          in: parameter.in,
          required: Boolean(parameter.required),
          description: parameter.description ?? (parameter.schema as { description?: string } | undefined)?.description,
          schema: compactSchema(parameter.schema),
        })),
        body: resolved ? schemaText(resolved) : null,
        responses: Object.entries(operation.responses).map(([status, response]) => ({ status, description: response.description })),
      });
    }
  }
  return json({
    title: document.info.title,
    description: document.info.description,
    operations,
    scopes: API_SCOPES.map((scope) => ({ scope, role: ROLE_FOR_SCOPE[scope], description: SCOPE_DESCRIPTIONS[scope] })),
    problems: Object.entries(PROBLEMS).map(([slug, problem]) => ({ slug, anchor: problemType(slug as keyof typeof PROBLEMS).split("#")[1]!, status: problem.status, title: problem.title, explain: problem.explain })),
    origin: new URL(request.url).origin,
  });
}

function compactSchema(schema: unknown): string {
  if (!schema || typeof schema !== "object") return "";
  const s = schema as { type?: string; enum?: unknown[]; default?: unknown; maxLength?: number; pattern?: string };
  const parts = [s.enum ? s.enum.map(String).join(" | ") : s.type ?? "any"];
  if (s.default !== undefined && s.default !== "") parts.push(`default ${String(s.default)}`);
  return parts.join(", ");
}

const METHOD_STYLES: Record<string, string> = {
  GET: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-200",
  PUT: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
  POST: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
};

const anchorOf = (operation: Pick<Operation, "method" | "path">) => `${operation.method}-${operation.path}`.toLowerCase().replace(/[^a-z0-9]+/g, "-");

export default function ApiReference() {
  const { title, description, operations, scopes, problems, origin } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-xl font-semibold">{title}</h1>
        <p className="max-w-3xl text-sm text-slate-600 dark:text-slate-300">{description}</p>
        <p className="mt-1 text-sm">
          Machine-readable: <a className="mono text-indigo-700 hover:underline dark:text-indigo-300" href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1; needs a token like every API
          address). Make a token on <Link className="text-indigo-700 hover:underline dark:text-indigo-300" to="/profile/api-tokens">your API tokens page</Link>.
        </p>
      </div>

      <section className="card space-y-2 p-4" aria-labelledby="auth-heading">
        <h2 id="auth-heading" className="text-sm font-semibold">
          Authentication and scopes
        </h2>
        <p className="text-sm">
          Send <code className="mono">Authorization: Bearer sd_…</code>. Cookies never work on the API, and tokens never work on the pages. A token acts as you, narrowed to its scope and to your
          role at the moment of each request; every change it makes is audited as you, “via API token &lt;name&gt;”.
        </p>
        <table className="text-sm">
          <thead>
            <tr>
              <th className="th">Scope</th>
              <th className="th">Needs role</th>
              <th className="th">Allows</th>
            </tr>
          </thead>
          <tbody>
            {scopes.map((row) => (
              <tr key={row.scope}>
                <td className="td mono">{row.scope}</td>
                <td className="td">{row.role}</td>
                <td className="td">{row.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <pre className="mono overflow-x-auto rounded-md bg-slate-100 p-3 dark:bg-slate-950">{`curl -H "Authorization: Bearer $SESSION_DESK_TOKEN" "${origin}/api/v1/users?q=%40globex.com"`}</pre>
      </section>

      <nav className="card p-4" aria-labelledby="routes-heading">
        <h2 id="routes-heading" className="text-sm font-semibold">
          Routes
        </h2>
        <ul className="mt-2 space-y-1 text-sm">
          {operations.map((operation) => (
            <li key={anchorOf(operation)}>
              <a className="hover:underline" href={`#${anchorOf(operation)}`}>
                <span className={`badge mono mr-2 ${METHOD_STYLES[operation.method] ?? ""}`}>{operation.method}</span>
                <span className="mono">{operation.path}</span> — {operation.summary}
              </a>
            </li>
          ))}
        </ul>
      </nav>

      {operations.map((operation) => (
        <section key={anchorOf(operation)} id={anchorOf(operation)} className="card space-y-3 p-4" aria-label={`${operation.method} ${operation.path}`}>
          <h2 className="flex flex-wrap items-center gap-2 text-base font-semibold">
            <span className={`badge mono ${METHOD_STYLES[operation.method] ?? ""}`}>{operation.method}</span>
            <span className="mono text-sm">{operation.path}</span>
            <span className="text-sm font-normal text-slate-600 dark:text-slate-300">{operation.summary}</span>
          </h2>
          {operation.description.split("\n\n").map((paragraph) => (
            <p key={paragraph} className="max-w-3xl text-sm">
              {paragraph.replace(/\*\*/g, "")}
            </p>
          ))}
          {operation.parameters.length > 0 ? (
            <table className="text-sm">
              <caption className="label text-left">Parameters</caption>
              <thead>
                <tr>
                  <th className="th">Name</th>
                  <th className="th">In</th>
                  <th className="th">Type</th>
                  <th className="th">Description</th>
                </tr>
              </thead>
              <tbody>
                {operation.parameters.map((parameter) => (
                  <tr key={`${parameter.in}-${parameter.name}`}>
                    <td className="td mono">
                      {parameter.name}
                      {parameter.required ? " *" : ""}
                    </td>
                    <td className="td">{parameter.in}</td>
                    <td className="td mono whitespace-normal">{parameter.schema}</td>
                    <td className="td whitespace-normal">{parameter.description ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {operation.body ? (
            <details>
              <summary className="cursor-pointer text-sm font-medium">Request body (JSON Schema)</summary>
              <pre className="mono mt-2 max-h-96 overflow-auto rounded-md bg-slate-100 p-3 dark:bg-slate-950">{operation.body}</pre>
            </details>
          ) : null}
          <div>
            <p className="label">Responses</p>
            <ul className="text-sm">
              {operation.responses.map((response) => (
                <li key={response.status}>
                  <span className="mono font-semibold">{response.status}</span> {response.description}
                </li>
              ))}
            </ul>
          </div>
        </section>
      ))}

      <section className="card p-4" aria-labelledby="problems-heading">
        <h2 id="problems-heading" className="text-sm font-semibold">
          Problem types (RFC 9457)
        </h2>
        <p className="text-sm text-slate-600 dark:text-slate-300">
          Every error is <code className="mono">application/problem+json</code> with <code className="mono">type</code>, <code className="mono">title</code>,{" "}
          <code className="mono">status</code>, <code className="mono">detail</code> and <code className="mono">instance</code>.
        </p>
        <dl className="mt-2 space-y-2 text-sm">
          {problems.map((problem) => (
            <div key={problem.slug} id={problem.anchor}>
              <dt>
                <span className="mono font-semibold">{problem.status}</span> <span className="mono">{problem.slug}</span> — {problem.title}
              </dt>
              <dd className="text-slate-600 dark:text-slate-300">{problem.explain}</dd>
            </div>
          ))}
        </dl>
      </section>
    </div>
  );
}
