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

type JsonDefaults = { modeConfiguration: Record<string, boolean>; setModeConfiguration(configuration: Record<string, boolean>): void };

/**
 * The JSON language without document symbols. Nothing here needs an outline of the data, and monaco asks
 * for one after every change (sticky scroll, and the "hidden lines" bars of a diff): for a 1 MiB session
 * that is ~60,000 symbols built on the page's thread, 0.2–0.5 s at a stretch. Call it from an editor's
 * `beforeMount`, before the first JSON model exists.
 */
export function tuneJsonLanguage(monaco: unknown): void {
  const languages = (monaco as { languages?: { json?: { jsonDefaults?: JsonDefaults } } }).languages;
  const defaults = languages?.json?.jsonDefaults;
  if (!defaults || defaults.modeConfiguration.documentSymbols === false) return;
  defaults.setModeConfiguration({ ...defaults.modeConfiguration, documentSymbols: false });
}
