import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { requireApiToken } from "~/api/guard.server";
import { runAnswer } from "~/api/handlers.server";
import { answerApi, methodNotAllowed } from "~/api/problem.server";

/** GET /api/v1/bulk-runs/:runId: the run, its progress, and its dry run as groups of identical change. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const caller = await requireApiToken(request, "read");
  return answerApi(request, () => runAnswer(request, params, caller));
}

export async function action({ request }: ActionFunctionArgs) {
  await requireApiToken(request, "read");
  return methodNotAllowed(request, ["GET"]);
}
