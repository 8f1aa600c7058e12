import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { requireApiToken } from "~/api/guard.server";
import { userAnswer } from "~/api/handlers.server";
import { answerApi, methodNotAllowed } from "~/api/problem.server";

/** GET /api/v1/users/:userId: the user and every session with its data. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const caller = await requireApiToken(request, "read");
  return answerApi(request, () => userAnswer(request, params, caller));
}

export async function action({ request }: ActionFunctionArgs) {
  await requireApiToken(request, "read");
  return methodNotAllowed(request, ["GET"]);
}
