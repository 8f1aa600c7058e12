/**
 * The process's lifecycle as other parts need to see it: readiness turns 503 the moment a shutdown
 * begins, before the listener stops, so a load balancer stops sending traffic first.
 */
const state = { shuttingDown: false };

export function beginShuttingDown(): void {
  state.shuttingDown = true;
}

export function isShuttingDown(): boolean {
  return state.shuttingDown;
}

/** Tests only: the in-process test server goes on serving after a test that began a shutdown. */
export function __resetForTests(): void {
  state.shuttingDown = false;
}
