import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiToken } from "~/api/guard.server";
import { openApiDocument } from "~/api/openapi.server";
import { apiJson } from "~/api/problem.server";

/** GET /api/v1/openapi.json: the OpenAPI 3.1 document, generated from the request schemas. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireApiToken(request, "read");
  return apiJson(openApiDocument(), { headers: { "Cache-Control": "private, max-age=300" } });
}
