import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { requireApiToken } from "~/api/guard.server";
import { runActionAnswer, type RunAction } from "~/api/handlers.server";
import { answerApi, methodNotAllowed, problem } from "~/api/problem.server";

const RUN_ACTIONS: readonly RunAction[] = ["apply", "cancel", "resume"];

/** POST /api/v1/bulk-runs/:runId/apply | cancel | resume. */
export async function action({ request, params }: ActionFunctionArgs) {
  const caller = await requireApiToken(request, "bulk");
  const runAction = RUN_ACTIONS.find((name) => name === params.action);
  if (!runAction) return problem("not-found", "A run's actions are apply, cancel and resume.", { instance: new URL(request.url).pathname });
  if (request.method !== "POST") return methodNotAllowed(request, ["POST"]);
  return answerApi(request, () => runActionAnswer(request, params, caller, runAction));
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireApiToken(request, "read");
  return methodNotAllowed(request, ["POST"]);
}
