// Deterministic demo content for the seed: names, session data documents and access-token
// payloads. Pure functions of a seeded PRNG, so the same seed number gives the same data
// (user ids and handles still come from the core).

export type Rng = () => number;

/** mulberry32: small, fast, good enough for demo data. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const int = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
export const chance = (rng: Rng, p: number) => rng() < p;
const hex = (rng: Rng, n: number) => Array.from({ length: n }, () => Math.floor(rng() * 16).toString(16)).join("");

export const FIRST_NAMES = [
  "Ada", "Ben", "Chloé", "Dmitri", "Eun-ji", "Farah", "Gustavo", "Hana", "Ibrahim", "Jonas", "Kaito", "Léa",
  "Mateo", "Nadia", "Olu", "Priya", "Quinn", "Rafał", "Sofía", "Tomás", "Uma", "Viktor", "Wen", "Ximena",
  "Yusuf", "Zoë", "Amara", "Björn", "Carmen", "Dev", "Elif", "Finn", "Grace", "Hugo", "Isla", "Jin",
] as const;
export const LAST_NAMES = [
  "Okafor", "Schmidt", "Nakamura", "García", "Kowalski", "Haddad", "Silva", "Müller", "Johansson", "Rossi",
  "Dubois", "Chen", "Patel", "O'Brien", "Novak", "Kim", "Andersen", "Moreau", "Costa", "Ivanova", "Lindqvist",
  "Mensah", "Tanaka", "Fernández",
] as const;

const PLANS = ["free", "starter", "pro", "team", "enterprise"] as const;
const LOCALES = ["en-US", "en-GB", "de-DE", "fr-FR", "ja-JP", "pt-BR", "es-MX", "pl-PL", "ko-KR", "ar-EG"] as const;
const TIMEZONES = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "America/Sao_Paulo", "Europe/London", "Asia/Seoul"] as const;
const BROWSERS = ["Chrome 131", "Firefox 133", "Safari 18.1", "Edge 131", "Samsung Internet 26"] as const;
const OSES = ["macOS 15.1", "Windows 11", "iOS 18.1", "Android 15", "Ubuntu 24.04"] as const;
const PRODUCTS = [
  { sku: "TEA-001", name: "Sencha green tea 🍵", price: 12.5 },
  { sku: "MUG-014", name: "Enamel mug — blue", price: 18 },
  { sku: "BK-220", name: "Notebook «Grid» A5", price: 7.95 },
  { sku: "HD-007", name: "Wireless headphones 🎧", price: 149.99 },
  { sku: "SK-330", name: "Wool socks (2 pack)", price: 15 },
  { sku: "LMP-042", name: "Desk lamp, warm white", price: 39.9 },
  { sku: "CF-500", name: "Café con leche beans 500 g ☕", price: 21.3 },
] as const;
const NOTES = [
  "Prefers email over phone 📧",
  "VIP — handle with care ⭐",
  "Asked about refund on 2025-03-02",
  "Spricht Deutsch und Englisch",
  "日本語のサポートを希望",
  "Multi-line note:\nfirst line\nsecond line",
  "Tab\tseparated\tvalues",
  "Quote \"inside\" and a backslash \\ too",
  "مرحبا بالعالم",
  "Emoji zoo: 🦊🐼🐧🦄",
] as const;
const ROLES = ["member", "admin", "viewer", "billing", "owner"] as const;
const SCOPES = ["read:profile", "write:profile", "read:orders", "write:orders", "admin:org"] as const;

/** ISO timestamp on a fixed calendar (not "now"), so data is identical between runs. */
function isoDate(rng: Rng): string {
  const base = Date.UTC(2025, 0, 1);
  return new Date(base + Math.floor(rng() * 330 * 86400_000)).toISOString();
}

/** A realistic, varied session document (some tiny, some nested and long). */
export function sessionData(rng: Rng, userIndex: number, sessionIndex: number): Record<string, unknown> {
  const kind = rng();
  if (kind < 0.08) return {};
  if (kind < 0.18) return { lastPage: pick(rng, ["/", "/orders", "/settings/billing", "/search?q=tea"]), visits: int(rng, 1, 40) };
  const doc: Record<string, unknown> = {
    plan: pick(rng, PLANS),
    locale: pick(rng, LOCALES),
    timezone: pick(rng, TIMEZONES),
    featureFlags: {
      beta: chance(rng, 0.3),
      newCheckout: chance(rng, 0.5),
      darkMode: chance(rng, 0.6),
      experiments: chance(rng, 0.4) ? [pick(rng, ["search-v2", "price-test-b", "onboarding-3"])] : [],
    },
    device: { os: pick(rng, OSES), browser: pick(rng, BROWSERS), ip: `203.0.113.${int(rng, 1, 254)}` },
    lastSeenAt: isoDate(rng),
    seq: userIndex * 1000 + sessionIndex,
  };
  if (chance(rng, 0.55)) {
    const items = Array.from({ length: int(rng, 1, 4) }, () => {
      const p = pick(rng, PRODUCTS);
      return { ...p, qty: int(rng, 1, 3) };
    });
    doc.cart = {
      cartId: `cart_${hex(rng, 12)}`,
      currency: pick(rng, ["EUR", "USD", "JPY", "GBP"]),
      items,
      total: Math.round(items.reduce((s, i) => s + i.price * i.qty, 0) * 100) / 100,
      coupon: chance(rng, 0.3) ? pick(rng, ["WELCOME10", "SPRING-25", "VIP"]) : null,
    };
  }
  if (chance(rng, 0.35)) doc.note = pick(rng, NOTES);
  if (chance(rng, 0.3)) doc.limits = { seats: int(rng, 1, 250), apiCallsPerDay: int(rng, 1, 50) * 1000, storageGb: int(rng, 1, 20) / 2 };
  if (chance(rng, 0.25)) doc.recentSearches = Array.from({ length: int(rng, 1, 5) }, () => pick(rng, ["tea", "mug", "ヘッドホン", "café", "socks", "lámpara"]));
  if (chance(rng, 0.2)) doc.referrer = null;
  if (chance(rng, 0.15)) doc.balance = { amount: -Math.round(rng() * 10000) / 100, currency: "EUR" };
  if (chance(rng, 0.12)) doc.onboarding = { step: int(rng, 1, 5), completed: false, skipped: [] };
  // Values under the demo's mask patterns (**.token, cart.address.*; device.ip is in every document above)
  // in some sessions, made without the random source so every other value of the demo data stays as it was.
  if ((userIndex + sessionIndex) % 4 === 0) {
    doc.upstream = { provider: "billing-api", token: `tok_${((userIndex * 7919 + sessionIndex * 104729) >>> 0).toString(16).padStart(8, "0")}` };
  }
  if (doc.cart && sessionIndex % 3 === 0) {
    (doc.cart as Record<string, unknown>).address = { street: `${1 + (userIndex % 90)} Demo Street`, city: "Springfield", zip: String(10000 + userIndex * 37 + sessionIndex) };
  }
  return doc;
}

export function accessTokenPayload(rng: Rng): Record<string, unknown> {
  const payload: Record<string, unknown> = { role: pick(rng, ROLES) };
  if (chance(rng, 0.6)) payload.orgId = `org_${hex(rng, 8)}`;
  if (chance(rng, 0.5)) payload.scopes = SCOPES.filter(() => chance(rng, 0.4));
  if (chance(rng, 0.2)) payload.impersonatedBy = null;
  return payload;
}

/** About 200 KB of audit-trail-like events: the "big document" case for the editor. */
export function bigDocument(rng: Rng): Record<string, unknown> {
  const events = [];
  for (let i = 0; i < 1850; i++) {
    events.push({
      id: i,
      at: isoDate(rng),
      type: pick(rng, ["page_view", "add_to_cart", "search", "checkout_started", "coupon_applied"]),
      path: pick(rng, ["/", "/orders", "/products/tea", "/cart", "/settings"]),
      meta: { ms: int(rng, 5, 900), ok: chance(rng, 0.95) },
    });
  }
  return { plan: "enterprise", description: "Large session document (≈200 KB) 📦", events };
}

/**
 * A session just under the 1 MiB limit (MAX_SESSION_DATA_BYTES): the "largest allowed document" case for
 * the editor. Compact UTF-8 JSON of `targetBytes` or a little less (about 1,015 KiB by default, so an
 * edit still has room); a profile, settings, carts and about 4,800 events with nested metadata.
 */
export function megabyteDocument(rng: Rng, targetBytes = 1_040_000): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    plan: "enterprise",
    description: "Session document near the 1 MiB limit 🗄️",
    profile: { displayName: "Hugh Megabyte", locale: "en-GB", timezone: "Europe/London", tags: ["wholesale", "priority", "eu"] },
    featureFlags: { beta: true, newCheckout: true, darkMode: false, experiments: ["search-v2", "price-test-b"] },
    limits: { seats: 500, apiCallsPerDay: 250000, storageGb: 10 },
    carts: Array.from({ length: 40 }, (_, i) => ({
      cartId: `cart_${hex(rng, 12)}`,
      items: Array.from({ length: int(rng, 1, 4) }, () => ({ ...pick(rng, PRODUCTS), qty: int(rng, 1, 3) })),
      savedAt: isoDate(rng),
      position: i,
    })),
  };
  const events: Array<Record<string, unknown>> = [];
  doc.events = events;
  const encoder = new TextEncoder();
  let bytes = encoder.encode(JSON.stringify(doc)).length;
  for (let i = 0; ; i++) {
    const event = {
      id: i,
      at: isoDate(rng),
      type: pick(rng, ["page_view", "add_to_cart", "search", "checkout_started", "coupon_applied", "support_chat"]),
      path: pick(rng, ["/", "/orders", "/products/tea", "/cart", "/settings", "/help/returns"]),
      meta: { ms: int(rng, 5, 900), ok: chance(rng, 0.95), device: pick(rng, OSES), note: chance(rng, 0.1) ? pick(rng, NOTES) : null },
    };
    const size = encoder.encode(JSON.stringify(event)).length + (events.length > 0 ? 1 : 0);
    if (bytes + size > targetBytes) break;
    events.push(event);
    bytes += size;
  }
  return doc;
}

export function demoSessions(): Array<{ data: Record<string, unknown>; payload: Record<string, unknown> }> {
  return [
    {
      data: { plan: "pro", featureFlags: { beta: true, newCheckout: false }, cartId: "cart_demo_001", limits: { seats: 5 } },
      payload: { role: "admin" },
    },
    {
      data: { plan: "pro", featureFlags: { beta: false, newCheckout: true }, cartId: "cart_demo_002", limits: { seats: 5 }, locale: "en-GB" },
      payload: { role: "member" },
    },
    {
      data: { plan: "team", featureFlags: { beta: true }, cartId: null, limits: { seats: 25 }, theme: "dark" },
      payload: { role: "member", orgId: "org_demo" },
    },
    { data: { plan: "free", featureFlags: { beta: false }, limits: { seats: 1 } }, payload: {} },
    {
      data: { plan: "enterprise", featureFlags: { beta: true, sso: true }, cartId: "cart_demo_005", limits: { seats: 500 }, note: "Renewal due in March 🗓️" },
      payload: { role: "owner" },
    },
  ];
}

export function xssSessions(): Array<Record<string, unknown>> {
  return [
    { displayName: "<script>alert(1)</script>", bio: "<img src=x onerror=alert(1)>", plan: "free" },
    {
      "<b>key</b>": "value with </script><script>alert('x')</script>",
      link: "javascript:alert(document.cookie)",
      nested: { html: "<svg onload=alert(1)>", arr: ["<iframe src=javascript:alert(1)>", "\"><script>alert(2)</script>"] },
    },
    { template: "{{constructor.constructor('alert(1)')()}}", css: "</style><script>alert(3)</script>", unicode: "\u202Egnp.exe" },
  ];
}
