/**
 * Input schemas for staff accounts and sign-in, used by the routes' actions, the CLI and the account
 * module. Server-only so zod never lands in a page's browser bundle.
 */
import { z } from "zod";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./password.server";
import { STAFF_ROLES } from "./roles";

export const staffRoleSchema = z.enum(STAFF_ROLES, { message: "must be viewer, editor or admin" });

export const staffEmailSchema = z
  .string({ required_error: "Enter an email address" })
  .trim()
  .toLowerCase()
  .min(3, "Enter an email address")
  .max(254, "That email address is too long")
  .email("Enter a valid email address");

export const staffPasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters`);

const displayNameSchema = z.string().trim().max(100, "Use at most 100 characters for the name");

export const newStaffSchema = z.object({
  email: staffEmailSchema,
  displayName: displayNameSchema.optional(),
  role: staffRoleSchema,
  password: staffPasswordSchema.optional(),
});

/** The sign-in form. Lengths only: whether the email and password are right is the sign-in's business. */
export const signInFormSchema = z.object({
  email: z.string().trim().min(1, "Enter your email address").max(254),
  password: z.string().min(1, "Enter your password").max(PASSWORD_MAX_LENGTH),
  redirectTo: z.string().max(2000).optional(),
});

const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

/** The staff page's actions, one per intent. */
export const staffIntentSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("create"),
    email: staffEmailSchema,
    displayName: z.preprocess(blankToUndefined, displayNameSchema.optional()),
    role: staffRoleSchema,
    // Blank = generate one.
    password: z.preprocess(blankToUndefined, staffPasswordSchema.optional()),
  }),
  z.object({ intent: z.literal("set-role"), email: staffEmailSchema, role: staffRoleSchema }),
  z.object({ intent: z.literal("disable"), email: staffEmailSchema }),
  z.object({ intent: z.literal("enable"), email: staffEmailSchema }),
  // Two-step sign-in (app/staff/totp.server.ts): an admin's reset says why; the setting is on or off.
  z.object({
    intent: z.literal("reset-totp"),
    email: staffEmailSchema,
    reason: z.string({ required_error: "Say why the two-step sign-in is reset" }).trim().min(1, "Say why the two-step sign-in is reset").max(1000),
  }),
  z.object({ intent: z.literal("require-totp"), required: z.enum(["true", "false"], { message: "must be true or false" }) }),
]);
