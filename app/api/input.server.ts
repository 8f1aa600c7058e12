/**
 * Reading an API request's input: path parameters, the query string and a JSON body, each through its
 * zod schema (schemas.server.ts). A bad input is a 400 problem listing every issue with its path;
 * nothing runs past it.
 */
import type { z } from "zod";
import { getConfig } from "~/config.server";
import { parseJsonValueText } from "~/json/parse";
import { problem } from "./problem.server";

type Issue = { path: string; message: string };
const issuesOf = (error: z.ZodError, prefix = ""): Issue[] =>
  error.issues.map((issue) => ({ path: [prefix, ...issue.path.map(String)].filter(Boolean).join(".") || "(body)", message: issue.message }));

function invalid(request: Request, errors: Issue[]): Response {
  const detail = errors.map((error) => `${error.path}: ${error.message}`).join("; ");
  return problem("invalid-request", `${detail}. Nothing was changed.`, { instance: new URL(request.url).pathname, extensions: { errors } });
}

/** Path parameters; one that cannot name anything is a 404 (as the pages answer). */
export function parseParams<S extends z.ZodTypeAny>(request: Request, schema: S, params: unknown): z.infer<S> {
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw problem("not-found", `Nothing exists at this address: ${issuesOf(parsed.error).map((issue) => `${issue.path} ${issue.message}`).join("; ")}.`, { instance: new URL(request.url).pathname });
  return parsed.data;
}

export function parseQuery<S extends z.ZodTypeAny>(request: Request, schema: S): z.infer<S> {
  const parsed = schema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw invalid(request, issuesOf(parsed.error, "query"));
  return parsed.data;
}

/**
 * The JSON body, parsed by the editor's rules (duplicate keys and over-deep nesting refused with line and
 * column, every number kept as typed), then validated by `schema`. The raw size is bounded first.
 */
export async function readJsonBody<S extends z.ZodTypeAny>(request: Request, schema: S): Promise<z.infer<S>> {
  const instance = new URL(request.url).pathname;
  const type = request.headers.get("Content-Type") ?? "";
  if (!/^\s*application\/(?:[\w.+-]+\+)?json\s*(;|$)/i.test(type)) {
    throw problem("unsupported-media-type", `Send the body as JSON with Content-Type: application/json (this request sent ${type.split(";")[0]!.trim() || "no content type"}). Nothing was changed.`, { instance });
  }
  const maxBytes = getConfig().MAX_SESSION_DATA_BYTES;
  // The data may be pretty-printed: allow the text a few times the stored limit, as the editor does.
  const maxText = maxBytes * 8 + 64 * 1024;
  const declared = Number(request.headers.get("Content-Length") ?? "0");
  if (declared > maxText) throw problem("payload-too-large", `The body is ${declared} bytes; at most ${maxText} are read. Nothing was changed.`, { instance });
  const text = await request.text();
  if (text.length > maxText) throw problem("payload-too-large", `The body is over ${maxText} characters. Nothing was changed.`, { instance });
  // One level for the body object itself on top of the data's own 256.
  const parsed = parseJsonValueText(text, { maxBytes: maxText, maxDepth: 258 });
  if (!parsed.ok) throw invalid(request, [{ path: "(body)", message: parsed.error }]);
  const validated = schema.safeParse(parsed.value);
  if (!validated.success) throw invalid(request, issuesOf(validated.error));
  return validated.data;
}

export const invalidInput = invalid;
