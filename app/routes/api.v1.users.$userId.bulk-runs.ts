import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { requireApiToken } from "~/api/guard.server";
import { planRunAnswer } from "~/api/handlers.server";
import { answerApi, methodNotAllowed } from "~/api/problem.server";

/** POST /api/v1/users/:userId/bulk-runs: a dry run of one change over this user's sessions. */
export async function action({ request, params }: ActionFunctionArgs) {
  const caller = await requireApiToken(request, "bulk");
  if (request.method !== "POST") return methodNotAllowed(request, ["POST"]);
  return answerApi(request, () => planRunAnswer(request, params, caller));
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireApiToken(request, "read");
  return methodNotAllowed(request, ["POST"]);
}
