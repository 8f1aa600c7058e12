import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { requireApiToken } from "~/api/guard.server";
import { auditAnswer } from "~/api/handlers.server";
import { answerApi, methodNotAllowed } from "~/api/problem.server";

/** GET /api/v1/audit: the audit trail, newest first, filtered and paged like the audit page. */
export async function loader({ request }: LoaderFunctionArgs) {
  const caller = await requireApiToken(request, "read");
  return answerApi(request, () => auditAnswer(request, caller));
}

export async function action({ request }: ActionFunctionArgs) {
  await requireApiToken(request, "read");
  return methodNotAllowed(request, ["GET"]);
}
