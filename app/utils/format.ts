/** Display helpers shared by pages. Pure; safe in the browser. */

export function formatDateTime(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600_000],
  ["month", 30 * 24 * 3600_000],
  ["day", 24 * 3600_000],
  ["hour", 3600_000],
  ["minute", 60_000],
];

/** "in 3 hours", "2 days ago"; `now` is passed in so server and browser render the same text. */
export function formatRelative(ms: number, now: number): string {
  const diff = ms - now;
  const format = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  for (const [unit, size] of UNITS) {
    if (Math.abs(diff) >= size) return format.format(Math.round(diff / size), unit);
  }
  return diff >= 0 ? "in under a minute" : "just now";
}


export function shortId(id: string): string {
  return id.length > 13 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}

export const recipeLabels: Record<string, string> = {
  emailpassword: "Email & password",
  thirdparty: "Social / SSO",
  passwordless: "Passwordless",
  webauthn: "Passkey",
};

const PROVIDER_NAMES: Record<string, string> = {
  google: "Google",
  "google-workspaces": "Google Workspace",
  github: "GitHub",
  gitlab: "GitLab",
  bitbucket: "Bitbucket",
  apple: "Apple",
  facebook: "Facebook",
  twitter: "X (Twitter)",
  discord: "Discord",
  linkedin: "LinkedIn",
  okta: "Okta",
  "active-directory": "Microsoft Entra ID",
  "boxy-saml": "SAML",
};

/**
 * One style for every login method, everywhere: "Email & password", "Passwordless", "GitHub".
 * A third-party method is named by its provider (a provider id we do not know is shown as written,
 * capitalised: "acme-sso" → "Acme-sso").
 */
export function loginMethodLabel(method: { recipeId: string; thirdParty?: { id: string } | null }): string {
  if (method.thirdParty) {
    const id = method.thirdParty.id;
    return PROVIDER_NAMES[id] ?? PROVIDER_NAMES[id.toLowerCase()] ?? `${id.charAt(0).toUpperCase()}${id.slice(1)}`;
  }
  return recipeLabels[method.recipeId] ?? method.recipeId;
}

/** A count with thousands separators ("10,000 sessions"), the same on server and client. */
export function formatCount(n: number): string {
  return n.toLocaleString("en");
}
