import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { requireApiToken } from "~/api/guard.server";
import { searchUsersAnswer } from "~/api/handlers.server";
import { answerApi, methodNotAllowed } from "~/api/problem.server";

/** GET /api/v1/users?q=…: the search page's search (api/openapi.server.ts documents every route). */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireApiToken(request, "read");
  return answerApi(request, () => searchUsersAnswer(request));
}

export async function action({ request }: ActionFunctionArgs) {
  await requireApiToken(request, "read");
  return methodNotAllowed(request, ["GET"]);
}
