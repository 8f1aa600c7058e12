import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { z } from "zod";
import { AUDIT_REASON_MAX_LENGTH } from "~/audit/audit.server";
import { getSessionInfo } from "~/core/sessions.server";
import { getSessionDataMasker } from "~/masking/policy.server";
import { endReveal, revealSession } from "~/masking/reveal.server";
import { NOT_THIS_USERS_SESSION, sessionBelongsTo } from "~/sessions/ownership.server";
import { requireStaff } from "~/staff/guard.server";
import { formatDateTime } from "~/utils/format";
import { readFormData } from "~/utils/request-input.server";
import { redirectWithToast } from "~/utils/toast.server";

/**
 * "Reveal" and "Mask again" for one session (POST only; the session page shows the form). Any staff member
 * whose role is masked may reveal, with a reason: it is audited, lasts MASK_REVEAL_MINUTES, and applies to
 * them alone.
 */
const paramsSchema = z.object({ userId: z.string().min(1).max(256), handle: z.string().min(1).max(256) });
const formSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("reveal"),
    reason: z
      .string()
      .trim()
      .min(1, "Say why you need to see the masked values (a ticket number is enough); nothing was revealed.")
      .max(AUDIT_REASON_MAX_LENGTH, `The reason must be at most ${AUDIT_REASON_MAX_LENGTH} characters.`),
  }),
  z.object({ intent: z.literal("mask-again") }),
]);

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request, "viewer");
  const parsedParams = paramsSchema.safeParse(params);
  if (!parsedParams.success) throw json({ message: "That is not a session address." }, { status: 404 });
  const { userId, handle } = parsedParams.data;
  const here = `/users/${encodeURIComponent(userId)}/sessions/${encodeURIComponent(handle)}`;
  const form = formSchema.safeParse(Object.fromEntries(await readFormData(request)));
  if (!form.success) {
    const message = form.error.issues.find((issue) => issue.path[0] === "reason")?.message ?? "That request was not understood; nothing was revealed.";
    return redirectWithToast(here, { kind: "error", title: "Nothing was revealed", description: message });
  }
  const session = await getSessionInfo(handle);
  if (!session || !(await sessionBelongsTo(session, userId))) throw json({ message: NOT_THIS_USERS_SESSION }, { status: 404 });

  if (form.data.intent === "mask-again") {
    const ended = await endReveal(staff.id, handle);
    return redirectWithToast(here, ended > 0 ? { kind: "info", title: "Masked again", description: "The hidden values of this session are masked for you again." } : { kind: "info", title: "Nothing to mask again", description: "You held no reveal for this session." });
  }

  const masker = await getSessionDataMasker(staff);
  if (!masker.applies) return redirectWithToast(here, { kind: "info", title: "Nothing to reveal", description: "Your role sees every value; nothing is masked for you." });
  const grant = await revealSession({ staff, userId: session.userId, sessionHandle: handle, tenantId: session.tenantId, reason: form.data.reason });
  return redirectWithToast(here, {
    kind: "success",
    title: "Masked values revealed",
    description: `Only to you, until ${formatDateTime(Date.parse(grant.expiresAt))}. The reveal is in the audit trail.`,
  });
}
