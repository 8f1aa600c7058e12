/**
 * A run across users' report as CSV: `?level=users` (default) one row per entry given — how it
 * resolved and how each matched user's sessions ended — or `?level=sessions` one row per session.
 * Streamed a page at a time from the database (the run may hold 30,000 sessions); every cell is quoted
 * and formula-looking values are defused (app/bulk/cross-user/csv.ts). Admins only, like the run.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { z } from "zod";
import { csvRow } from "~/bulk/cross-user/csv";
import { nextCrossUserItems, userReport } from "~/bulk/cross-user/store.server";
import { ENTRY_STATUS_LABELS, USER_VERDICT_LABELS } from "~/bulk/cross-user/types";
import { getRunRow } from "~/bulk/store.server";
import { ITEM_OUTCOMES } from "~/bulk/types";
import { requireStaff } from "~/staff/guard.server";

const runIdSchema = z.string().regex(/^[0-9a-f]{16,40}$/);
const levelSchema = z.enum(["users", "sessions"]).catch("users");
const PAGE = 500;

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request, "admin");
  const runId = runIdSchema.safeParse(params.runId);
  const run = runId.success ? await getRunRow(runId.data) : undefined;
  if (!run || run.kind !== "users") throw json({ message: "There is no bulk run across users with that id." }, { status: 404 });
  const level = levelSchema.parse(new URL(request.url).searchParams.get("level") ?? undefined);
  const encoder = new TextEncoder();
  let after = -1;
  let headerSent = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!headerSent) {
          headerSent = true;
          controller.enqueue(
            encoder.encode(
              level === "users"
                ? csvRow(["entry", "found by", "resolution", "user id", "user", "sessions", "result", ...ITEM_OUTCOMES, "pending", "candidates"])
                : csvRow(["seq", "user id", "session handle", "tenant", "dry run", "dry run note", "outcome", "outcome note", "attempts", "audit entry"]),
            ),
          );
          return;
        }
        let text = "";
        if (level === "users") {
          const rows = await userReport(run.id, { afterSeq: after, pageSize: PAGE, includeUnresolved: true });
          if (rows.length === 0) return controller.close();
          after = rows[rows.length - 1]!.seq;
          for (const row of rows) {
            const matched = row.status === "matched";
            text += csvRow([
              row.input,
              row.kind,
              ENTRY_STATUS_LABELS[row.status],
              row.userId,
              row.label,
              matched ? row.sessions : null,
              matched ? USER_VERDICT_LABELS[row.verdict] : null,
              ...ITEM_OUTCOMES.map((outcome) => (matched ? row.outcomes[outcome] : null)),
              matched ? row.outcomes.pending : null,
              row.candidates.join(" "),
            ]);
          }
        } else {
          const rows = await nextCrossUserItems(run.id, after, PAGE);
          if (rows.length === 0) return controller.close();
          after = rows[rows.length - 1]!.seq;
          for (const row of rows) {
            text += csvRow([row.seq, row.user_id, row.session_handle, row.tenant_id, row.plan, row.plan_error, row.outcome ?? "pending", row.outcome_error, row.attempts, row.audit_entry_id]);
          }
        }
        controller.enqueue(encoder.encode(text));
      } catch (error) {
        controller.error(error);
      }
    },
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="bulk-run-${run.id}-${level}.csv"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
