/**
 * Reading what a request brings, with answers a person can act on: a form body that is not a form, or a
 * user id in the address that cannot be one, is a 415, 400 or 404 with words, never a 500.
 */
import { json } from "@remix-run/node";

// What a <form method="post"> sends. Remix's own fetchers send the same.
const FORM_CONTENT_TYPE = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;

/** The request's form fields; anything but a readable HTML form body is refused before any work is done. */
export async function readFormData(request: Request): Promise<FormData> {
  const type = request.headers.get("Content-Type");
  if (!type || !FORM_CONTENT_TYPE.test(type)) {
    const sent = type ? type.split(";")[0]!.trim().slice(0, 80) : "no content type";
    throw json(
      { message: `This page takes form data (application/x-www-form-urlencoded or multipart/form-data), but the request sent ${sent}. Use the page's own buttons. Nothing was changed.` },
      { status: 415 },
    );
  }
  try {
    return await request.formData();
  } catch {
    throw json({ message: "The form data could not be read: the request body is cut short or malformed. Reload the page and try again. Nothing was changed." }, { status: 400 });
  }
}

/** SuperTokens user ids are at most 256 characters (CDI 5.4 UUIDs, or external ids the app chose). */
export const MAX_USER_ID_LENGTH = 256;

/** The `:userId` of a user's address; one that no user can have is the same 404 as an unknown user. */
export function userIdParam(params: { userId?: string }): string {
  const userId = params.userId ?? "";
  if (userId.length === 0 || userId.length > MAX_USER_ID_LENGTH) {
    throw json({ message: `No user can have this id: a user id is 1 to ${MAX_USER_ID_LENGTH} characters long, and this one is ${userId.length}.`, userId: userId.slice(0, 80) }, { status: 404 });
  }
  return userId;
}
