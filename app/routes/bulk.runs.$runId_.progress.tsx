/**
 * A run's progress as JSON, polled by the run page while the run is live. A resource route (no UI):
 * counts come from the database, so any instance answers the same. The pace (sessions per second, the
 * adaptive concurrency, retries) is known to the instance running the run; another instance sends null.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { z } from "zod";
import { localRunner } from "~/bulk/engine.server";
import { getProgress, getRunRow } from "~/bulk/store.server";
import { requireStaff } from "~/staff/guard.server";

const runIdSchema = z.string().regex(/^[0-9a-f]{16,40}$/);

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request, "viewer");
  const runId = runIdSchema.safeParse(params.runId);
  if (!runId.success) throw json({ message: "That is not a bulk run id." }, { status: 404 });
  const row = await getRunRow(runId.data);
  if (!row) throw json({ message: "There is no bulk run with that id." }, { status: 404 });
  const progress = await getProgress(row);
  const runner = progress.status === "running" || progress.status === "cancelling" ? localRunner(row.id) : undefined;
  return json({ ...progress, pace: runner?.pace() ?? null }, { headers: { "Cache-Control": "no-store" } });
}
