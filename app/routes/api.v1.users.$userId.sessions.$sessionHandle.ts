import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { requireApiToken } from "~/api/guard.server";
import { sessionAnswer, writeSessionAnswer } from "~/api/handlers.server";
import { answerApi, methodNotAllowed } from "~/api/problem.server";

/** GET /api/v1/users/:userId/sessions/:sessionHandle: one session with its data and fingerprint. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const caller = await requireApiToken(request, "read");
  return answerApi(request, () => sessionAnswer(request, params, caller));
}

/** PUT: write the session's data with the expected fingerprint (409 with the current data on conflict). */
export async function action({ request, params }: ActionFunctionArgs) {
  const caller = await requireApiToken(request, "write");
  if (request.method !== "PUT") return methodNotAllowed(request, ["GET", "PUT"]);
  return answerApi(request, () => writeSessionAnswer(request, params, caller));
}
