import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { AUDIT_REASON_MAX_LENGTH } from "~/audit/audit.server";
import { MaskingEventsList, MaskPatternForm, MaskPatternsTable, MaskRolesForm } from "~/components/masking/masking-settings";
import { getConfig } from "~/config.server";
import { MASK_PATTERN_MAX_LENGTH } from "~/masking/patterns";
import { addMaskPattern, listMaskingEvents, loadMaskingSettings, MaskingSettingsError, removeMaskPattern, setRoleMasked } from "~/masking/settings.server";
import { requireStaff } from "~/staff/guard.server";
import { STAFF_ROLES } from "~/staff/roles";
import { readFormData } from "~/utils/request-input.server";
import { redirectWithToast } from "~/utils/toast.server";

export { ErrorBoundary } from "~/components/route-error-boundary";

export const meta: MetaFunction = () => [{ title: "Masking · Session Desk" }];

/** Admins only: which paths of session data are masked, and for which roles (README "Guard rails" → Masking). */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request, "admin");
  const [settings, events] = await Promise.all([loadMaskingSettings(), listMaskingEvents(20)]);
  const config = getConfig();
  return json({ settings, events, revealMinutes: config.MASK_REVEAL_MINUTES, reasonRequired: config.AUDIT_REASON_REQUIRED });
}

const reason = z.string().trim().max(AUDIT_REASON_MAX_LENGTH, `The reason must be at most ${AUDIT_REASON_MAX_LENGTH} characters.`).default("");
const intentSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("add-pattern"),
    pattern: z.string().max(MASK_PATTERN_MAX_LENGTH, `A pattern is at most ${MASK_PATTERN_MAX_LENGTH} characters.`),
    tenantId: z.string().trim().max(256).default(""),
    reason,
  }),
  z.object({ intent: z.literal("remove-pattern"), id: z.string().uuid("That pattern is not known."), reason }),
  z.object({ intent: z.literal("set-role"), role: z.enum(STAFF_ROLES), masked: z.enum(["true", "false"]), reason }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request, "admin");
  const form = Object.fromEntries(await readFormData(request));
  const parsed = intentSchema.safeParse(form);
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  const kept = { pattern: text(form.pattern), tenantId: text(form.tenantId), reason: text(form.reason), intent: String(form.intent ?? "") };
  if (!parsed.success) return json({ message: parsed.error.issues.map((issue) => issue.message).join("; "), kept }, { status: 400 });
  const input = parsed.data;
  if (!input.reason && getConfig().AUDIT_REASON_REQUIRED) {
    return json({ message: "A reason is required for every change (AUDIT_REASON_REQUIRED=true). Say why, e.g. the ticket number. Nothing was changed.", kept }, { status: 400 });
  }
  const actor = { email: staff.email };
  try {
    switch (input.intent) {
      case "add-pattern": {
        const added = await addMaskPattern({ actor, pattern: input.pattern, tenantId: input.tenantId, reason: input.reason });
        return redirectWithToast("/masking", { kind: "success", title: `Masked: ${added.pattern}`, description: added.tenantId ? `In tenant ${added.tenantId}.` : "In every tenant." });
      }
      case "remove-pattern": {
        const removed = await removeMaskPattern({ actor, id: input.id, reason: input.reason });
        return redirectWithToast("/masking", { kind: "success", title: `No longer masked: ${removed.pattern}` });
      }
      case "set-role": {
        const masked = input.masked === "true";
        const changed = await setRoleMasked({ actor, role: input.role, masked, reason: input.reason });
        return redirectWithToast("/masking", changed ? { kind: "success", title: `${input.role}: ${masked ? "sees masked values" : "sees every value"}` } : { kind: "info", title: "Nothing changed", description: `${input.role} already ${masked ? "sees masked values" : "sees every value"}.` });
      }
    }
  } catch (error) {
    if (error instanceof MaskingSettingsError) return json({ message: `${error.message}`, kept }, { status: 400 });
    throw error;
  }
}

export default function MaskingPage() {
  const { settings, events, revealMinutes, reasonRequired } = useLoaderData<typeof loader>();
  const problem = useActionData<typeof action>();
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold">Masking</h1>
        <p className="text-sm text-slate-500 dark:text-slate-400">
          Values of session data at these paths show as <span className="mono">•••• (masked)</span> to the roles below — in the sessions table, the editor,
          diffs, the audit trail, exports, bulk runs and the API. The server masks them: the browser never receives them. Anyone masked can reveal one session
          for {revealMinutes} {revealMinutes === 1 ? "minute" : "minutes"} with a reason, which is audited.
        </p>
      </div>
      {problem?.message && problem.kept.intent !== "add-pattern" ? (
        <p role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800 dark:border-rose-900 dark:bg-rose-950 dark:text-rose-200">
          {problem.message}
        </p>
      ) : null}
      <MaskPatternsTable patterns={settings.patterns} reasonRequired={reasonRequired} />
      <MaskPatternForm problem={problem?.kept.intent === "add-pattern" ? problem : undefined} reasonRequired={reasonRequired} />
      <MaskRolesForm maskedRoles={settings.maskedRoles} reasonRequired={reasonRequired} />
      <MaskingEventsList events={events} />
    </div>
  );
}
