/** Inputs of the two-step sign-in pages (second step, set-up, the profile's security page). Server-only. */
import { z } from "zod";
import { PASSWORD_MAX_LENGTH } from "./password.server";

/** A six-digit code or a recovery code, as typed: its form is checked by totp.server (normalise…). */
const codeField = z.string({ required_error: "Enter the code" }).trim().min(1, "Enter the code").max(64, "That is too long to be a code");

export const secondStepSchema = z.object({ code: codeField });

export const enrolAtSignInSchema = z.discriminatedUnion("intent", [z.object({ intent: z.literal("start") }), z.object({ intent: z.literal("confirm"), code: codeField })]);

/** Proof that it is really the account's owner at the keyboard: a current code or the password. */
const proofField = z.string({ required_error: "Enter a current code or your password" }).min(1, "Enter a current code or your password").max(PASSWORD_MAX_LENGTH);

export const securityIntentSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("start") }),
  z.object({ intent: z.literal("cancel") }),
  z.object({ intent: z.literal("confirm"), code: codeField }),
  z.object({ intent: z.literal("regenerate"), proof: proofField }),
  z.object({ intent: z.literal("disable"), proof: proofField }),
]);
