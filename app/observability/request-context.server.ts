/**
 * What a log line needs to know about the request it belongs to (its id, the signed-in staff member),
 * without threading it through every call: the express middleware runs the request inside an
 * AsyncLocalStorage, and anything on that request's async path (the guard, core calls) reads or adds to it.
 *
 * Kept on globalThis: the server (server/*.ts) and the Remix build each bundle their own copy of this
 * module, and they must share one storage.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { singleton } from "~/utils/singleton.server";

export interface RequestContext {
  requestId: string;
  /** Set by the staff guard once the request's staff session is known. */
  staffId?: string;
}

const storage = singleton("request-context", () => new AsyncLocalStorage<RequestContext>());

export function runWithRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

/** The request this code runs for, if any (a bulk run's background work belongs to none after its first request). */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** The guard calls this: the request's log line names the staff member (their id only). */
export function noteRequestStaff(staffId: string): void {
  const context = storage.getStore();
  if (context) context.staffId = staffId;
}
