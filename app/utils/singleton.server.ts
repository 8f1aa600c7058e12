/**
 * One instance per process that survives Remix dev rebuilds (the module is re-evaluated, globalThis is not).
 * Used for the SDK init and database handles.
 */
export function singleton<T>(name: string, create: () => T): T {
  const store = globalThis as unknown as { __sessionDeskSingletons?: Map<string, unknown> };
  store.__sessionDeskSingletons ??= new Map();
  if (!store.__sessionDeskSingletons.has(name)) store.__sessionDeskSingletons.set(name, create());
  return store.__sessionDeskSingletons.get(name) as T;
}

/** The instance `singleton(name, …)` made, if it has been made; never creates one. */
export function existingSingleton<T>(name: string): T | undefined {
  const store = globalThis as unknown as { __sessionDeskSingletons?: Map<string, unknown> };
  return store.__sessionDeskSingletons?.get(name) as T | undefined;
}
