/**
 * Demo mode's session-data schema: the demo shop's rules, which most demo sessions keep and a few break
 * (a seat count above the app's limit of 200, an onboarding step past the last), so the editor's live
 * checks and the data-quality page have something to show. Saved once, by "demo", as version 1.
 */
import { getDb } from "~/db/db.server";
import { saveSchemaVersion } from "./store.server";

export const DEMO_SCHEMA_NAME = "Demo shop session data";

export const DEMO_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  title: "Demo shop session data",
  type: "object",
  properties: {
    plan: { title: "Billing plan", description: "The plan the app bills; lower case, as the backend compares it.", enum: ["free", "starter", "pro", "team", "enterprise"] },
    locale: { title: "Locale", description: "BCP 47 tag the app renders in, e.g. en-GB.", type: "string", pattern: "^[a-z]{2}-[A-Z]{2}$" },
    featureFlags: {
      title: "Feature flags",
      type: "object",
      properties: {
        beta: { type: "boolean", description: "Shows beta features." },
        newCheckout: { type: "boolean", description: "Uses the new checkout." },
        darkMode: { type: "boolean" },
        experiments: { type: "array", items: { type: "string" } },
      },
    },
    limits: {
      type: "object",
      properties: {
        seats: { title: "Seats", description: "Seats the account pays for; the app's seat picker stops at 200.", type: "integer", minimum: 1, maximum: 200 },
        apiCallsPerDay: { type: "integer", minimum: 0 },
        storageGb: { type: "number", minimum: 0, multipleOf: 0.5 },
      },
    },
    onboarding: {
      type: "object",
      properties: { step: { type: "integer", minimum: 1, maximum: 4, description: "Onboarding has four steps." }, completed: { type: "boolean" } },
    },
    cart: { type: "object", properties: { total: { type: "number", minimum: 0 }, currency: { enum: ["EUR", "USD", "JPY", "GBP"] } } },
  },
};

/** Adds the demo schema unless a schema of that name exists (an admin may have changed or retired it). */
export async function ensureDemoSchema(): Promise<void> {
  const existing = await getDb().selectFrom("data_schema_versions").select("schema_id").where("name", "=", DEMO_SCHEMA_NAME).executeTakeFirst();
  if (existing) return;
  await saveSchemaVersion({
    staff: { id: "demo", email: "demo@session-desk.local", displayName: "Demo data", role: "admin" },
    name: DEMO_SCHEMA_NAME,
    description: "Seeded in demo mode: the demo shop's rules for session data.",
    tenants: null,
    status: "active",
    schemaText: JSON.stringify(DEMO_SCHEMA, null, 2),
    reason: "Demo mode",
  });
}
