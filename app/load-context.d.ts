import "@remix-run/node";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** Per-request CSP nonce, set by server/security-headers.ts. */
    cspNonce: string;
    /** The client's address as express sees it (server/app.ts), for sign-in throttling. */
    clientAddress?: string | null;
  }
}
