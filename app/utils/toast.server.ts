import { createCookie, redirect } from "@remix-run/node";
import { z } from "zod";

/**
 * Post/Redirect/Get with a message: an action redirects and the next page shows what happened
 * ("Session data updated — 3 changes"). The message rides in a short-lived cookie, read once.
 */
const toastSchema = z.object({
  kind: z.enum(["success", "error", "info"]),
  title: z.string().max(200),
  description: z.string().max(500).optional(),
});
export type Toast = z.infer<typeof toastSchema>;

const toastCookie = createCookie("sd_toast", { path: "/", httpOnly: true, sameSite: "lax", maxAge: 60 });

export async function redirectWithToast(url: string, toast: Toast, init: ResponseInit = {}) {
  const headers = new Headers(init.headers);
  headers.append("Set-Cookie", await toastCookie.serialize(toast));
  return redirect(url, { ...init, headers });
}

export async function readToast(request: Request): Promise<{ toast: Toast | null; setCookie: string | null }> {
  const raw = await toastCookie.parse(request.headers.get("Cookie"));
  if (!raw) return { toast: null, setCookie: null };
  const parsed = toastSchema.safeParse(raw);
  return { toast: parsed.success ? parsed.data : null, setCookie: await toastCookie.serialize("", { maxAge: 0 }) };
}
