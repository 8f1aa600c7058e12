import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { requireApiToken } from "~/api/guard.server";
import { planCrossUserRunAnswer } from "~/api/handlers.server";
import { answerApi, methodNotAllowed } from "~/api/problem.server";

/** POST /api/v1/bulk-runs: a dry run of one change over the sessions of many users (admins: the bulk scope). */
export async function action({ request }: ActionFunctionArgs) {
  const caller = await requireApiToken(request, "bulk");
  if (request.method !== "POST") return methodNotAllowed(request, ["POST"]);
  return answerApi(request, () => planCrossUserRunAnswer(request, caller));
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireApiToken(request, "read");
  return methodNotAllowed(request, ["POST"]);
}
