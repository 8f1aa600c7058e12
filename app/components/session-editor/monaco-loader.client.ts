/**
 * Where monaco comes from: the copy of its AMD build that `postinstall` puts in public/monaco/vs,
 * served by this app. @monaco-editor/react would otherwise fetch it from a CDN, which the dashboard
 * must never do (offline installs, CSP, and session data pages should not talk to third parties).
 *
 * An exported function that the page calls, not a bare side-effect import: the bundler drops
 * side-effect-only imports of modules it believes pure, and the page would silently use the CDN.
 */
import { loader } from "@monaco-editor/react";

export const MONACO_BASE = "/monaco/vs";

let configured = false;

export function configureMonacoLoader(): void {
  if (configured) return;
  loader.config({ paths: { vs: MONACO_BASE } });
  configured = true;
}
