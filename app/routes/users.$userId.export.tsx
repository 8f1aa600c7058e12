import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { loadFromCore } from "~/core/problems.server";
import { getUserById } from "~/core/users.server";
import { listUserSessions } from "~/sessions/list.server";
import { layoutJson } from "~/json";
import { getSessionDataMasker } from "~/masking/policy.server";
import { requireStaff } from "~/staff/guard.server";
import { userIdParam } from "~/utils/request-input.server";

/** Download of a user's sessions (with their data) as JSON, for a ticket or an escalation. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, "viewer");
  const userId = userIdParam(params);
  const user = await loadFromCore(() => getUserById(userId));
  if (!user) throw json({ message: `No user with the id “${userId}” exists on this core.` }, { status: 404 });
  const { sessions: read, endedWhileLoading } = await loadFromCore(() => listUserSessions(user.id));
  // The export holds what the staff member may see: masked values as MASKED_TEXT (app/masking).
  const masker = await getSessionDataMasker(staff);
  const sessions = read.map((info) => ({ ...info, sessionDataInDatabase: masker.mask({ sessionHandle: info.sessionHandle, tenantId: info.tenantId }, info.sessionDataInDatabase) }));
  // Exact JSON: every number as the core holds it (app/json/exact-number.ts), laid out with bounded indentation.
  const body = layoutJson({ exportedAt: new Date().toISOString(), user, endedWhileLoading, sessions });
  const filename = `sessions-${user.id.replace(/[^a-zA-Z0-9-]/g, "_")}.json`;
  return new Response(body, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
    },
  });
}
