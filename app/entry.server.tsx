import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { NonceContext } from "~/utils/nonce";
import { logger } from "~/observability/log.server";

// Deferred data (a user's sessions) streams within this window; a user with 10,000 sessions takes
// several seconds to read from the core, so the window is generous.
const ABORT_DELAY = 90_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce ?? "";
  const waitForAll = isbot(request.headers.get("user-agent") ?? "");
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceContext.Provider>,
      {
        nonce,
        [waitForAll ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors after the shell are logged; the error boundary shows the person a clean message.
          if (shellRendered) logServerError(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

/** Server-side errors go to the log, except the ordinary ones: a page that does not exist, a request the browser abandoned. */
export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  if (isRouteErrorResponse(error) && error.status === 404) return;
  logServerError(error);
}

/** One JSON log line (with the request's id): the error's name, message and stack, nothing attached to it. */
function logServerError(error: unknown) {
  const details = error instanceof Error ? { errorName: error.name, error: error.message, stack: error.stack } : { error: String(error) };
  logger().error({ event: "server-error", ...details }, "unhandled server error");
}
