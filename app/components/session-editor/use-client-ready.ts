import { useEffect, useState } from "react";
import { configureMonacoLoader } from "./monaco-loader.client";

/**
 * False on the server and during hydration, true after: the editors are client-only (monaco needs the
 * DOM, and rendering them on the server would only produce a hydration mismatch). Configures monaco's
 * loader before the first editor can mount.
 */
export function useEditorsReady(): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    configureMonacoLoader();
    setReady(true);
  }, []);
  return ready;
}
