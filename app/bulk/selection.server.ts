/**
 * "Apply to N selected": the ticked sessions travel once, in a POST body, and are kept here under an
 * id. The change form's address then carries `?selection=<id>` — never the handles themselves, which at
 * a few hundred made the request line too long for the server (HTTP 431) — so it reloads and can be
 * linked to like any other page, and the dry run reads the handles back from here.
 *
 * A selection belongs to the user and the staff member it was made for: another user's address or
 * another staff member gets "not found". Selections are short-lived working state, not records (the
 * dry run stores its own list of sessions): ones older than a day are dropped as new ones are saved.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { getDb } from "~/db/db.server";
import { now } from "~/staff/clock.server";
import type { StaffUser } from "~/staff/roles";
import { MAX_SELECTED_HANDLES } from "./form.server";
const KEEP_MS = 24 * 3600_000;

export const selectionIdSchema = z.string().regex(/^[0-9a-f]{32}$/, "not a selection id");

export const selectedHandlesSchema = z
  .array(z.string().min(1, "a session handle is empty").max(256, "a session handle is longer than 256 characters"))
  .min(1, "No sessions are selected: tick them in the sessions table")
  .max(MAX_SELECTED_HANDLES, `At most ${MAX_SELECTED_HANDLES.toLocaleString("en")} sessions can be selected at once`);

export async function saveSelection(input: { staff: StaffUser; userId: string; handles: string[] }): Promise<{ id: string; count: number }> {
  const at = now();
  const handles = [...new Set(input.handles)];
  const id = randomUUID().replace(/-/g, "");
  const db = getDb();
  await db.deleteFrom("bulk_selections").where("created_at", "<", new Date(at.getTime() - KEEP_MS).toISOString()).execute();
  await db
    .insertInto("bulk_selections")
    .values({ id, user_id: input.userId, staff_id: input.staff.id, created_at: at.toISOString(), count: handles.length, handles_json: JSON.stringify(handles) })
    .execute();
  return { id, count: handles.length };
}

/** The selection's handles, or undefined when there is none with this id for this user and staff member. */
export async function loadSelection(id: string, owner: { staff: StaffUser; userId: string }): Promise<string[] | undefined> {
  const row = await getDb()
    .selectFrom("bulk_selections")
    .select(["handles_json"])
    .where("id", "=", id)
    .where("user_id", "=", owner.userId)
    .where("staff_id", "=", owner.staff.id)
    .executeTakeFirst();
  if (!row) return undefined;
  const parsed = z.array(z.string()).safeParse(JSON.parse(row.handles_json));
  return parsed.success ? parsed.data : undefined;
}

/** How many sessions a selection holds, for the form (without reading its handles). */
export async function selectionCount(id: string, owner: { staff: StaffUser; userId: string }): Promise<number | undefined> {
  const row = await getDb()
    .selectFrom("bulk_selections")
    .select(["count"])
    .where("id", "=", id)
    .where("user_id", "=", owner.userId)
    .where("staff_id", "=", owner.staff.id)
    .executeTakeFirst();
  return row ? Number(row.count) : undefined;
}
