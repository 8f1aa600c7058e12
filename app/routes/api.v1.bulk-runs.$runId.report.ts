import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { requireApiToken } from "~/api/guard.server";
import { runReportAnswer } from "~/api/handlers.server";
import { answerApi, methodNotAllowed } from "~/api/problem.server";

/** GET /api/v1/bulk-runs/:runId/report: the per-session report, paged, filtered by verdict or outcome. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const caller = await requireApiToken(request, "read");
  return answerApi(request, () => runReportAnswer(request, params, caller));
}

export async function action({ request }: ActionFunctionArgs) {
  await requireApiToken(request, "read");
  return methodNotAllowed(request, ["GET"]);
}
