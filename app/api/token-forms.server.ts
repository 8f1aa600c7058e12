/**
 * The token pages' actions: the profile page (make and revoke one's own) and the staff page (an admin
 * revokes anyone's). Zod-validated intents; a revoke answers with a redirect and a toast (PRG), a new
 * token with the token itself, shown once (never in a URL or cookie).
 */
import { json } from "@remix-run/node";
import { z } from "zod";
import type { StaffUser } from "~/staff/roles";
import { redirectWithToast } from "~/utils/toast.server";
import { API_SCOPES, TOKEN_EXPIRY_DAYS } from "./scopes";
import { ApiTokenError, createApiToken, revokeApiToken, TOKEN_NAME_MAX_LENGTH } from "./tokens.server";

const tokenIdSchema = z.string().regex(/^[0-9a-f]{16}$/, "not a token id");

export const tokenIntentSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("create"),
    name: z.string().trim().min(1, "Give the token a name").max(TOKEN_NAME_MAX_LENGTH, `Use at most ${TOKEN_NAME_MAX_LENGTH} characters for the name`),
    scope: z.enum(API_SCOPES, { message: "Choose read, write or bulk" }),
    expiresInDays: z.coerce.number().int().refine((days) => (TOKEN_EXPIRY_DAYS as readonly number[]).includes(days), "Choose how long the token lasts"),
  }),
  z.object({ intent: z.literal("revoke"), tokenId: tokenIdSchema }),
]);

const kept = (form: Record<string, FormDataEntryValue>) => ({
  name: typeof form.name === "string" ? form.name : undefined,
  scope: typeof form.scope === "string" ? form.scope : undefined,
  expiresInDays: typeof form.expiresInDays === "string" ? form.expiresInDays : undefined,
});

export async function runTokenIntent(input: { staff: StaffUser; form: FormData; here: string; asAdmin: boolean }): Promise<Response> {
  const form = Object.fromEntries(input.form);
  const parsed = tokenIntentSchema.safeParse(form);
  if (!parsed.success) {
    return json({ kind: "problem" as const, message: parsed.error.issues.map((issue) => issue.message).join("; "), fields: kept(form) }, { status: 400 });
  }
  try {
    switch (parsed.data.intent) {
      case "create": {
        // Only one's own tokens are made, on one's own profile page.
        if (input.asAdmin) return json({ kind: "problem" as const, message: "Tokens are made by their owner on their profile page.", fields: {} }, { status: 400 });
        const { token, view } = await createApiToken({ staff: input.staff, name: parsed.data.name, scope: parsed.data.scope, expiresInDays: parsed.data.expiresInDays });
        return json({ kind: "created" as const, name: view.name, token });
      }
      case "revoke": {
        const result = await revokeApiToken({ tokenId: parsed.data.tokenId, actor: input.staff, asAdmin: input.asAdmin });
        const whose = result.view.owner.id === input.staff.id ? "" : ` of ${result.view.owner.email}`;
        return redirectWithToast(input.here, {
          kind: result.status === "revoked" ? "success" : "info",
          title: result.status === "revoked" ? `Revoked the token “${result.view.name}”${whose}` : `The token “${result.view.name}” was already revoked`,
          description: result.status === "revoked" ? "It stops working at once." : undefined,
        });
      }
    }
  } catch (error) {
    if (error instanceof ApiTokenError) return json({ kind: "problem" as const, message: error.message, fields: kept(form) }, { status: 400 });
    throw error;
  }
}
