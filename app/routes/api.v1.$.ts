import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { requireApiToken } from "~/api/guard.server";
import { problem } from "~/api/problem.server";

/** Any other address under /api/v1: a problem detail, never the HTML 404 page. */
const notFound = (request: Request) =>
  problem("not-found", "There is no API route at this address. The routes are listed in /api/v1/openapi.json and on /api/docs.", { instance: new URL(request.url).pathname });

export async function loader({ request }: LoaderFunctionArgs) {
  await requireApiToken(request, "read");
  return notFound(request);
}

export async function action({ request }: ActionFunctionArgs) {
  await requireApiToken(request, "read");
  return notFound(request);
}
