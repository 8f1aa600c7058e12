// Access-token signing keys and the public JWKS (cdi-contract.md §3.9).
// The SDK verifies access tokens locally with `jose` against GET /.well-known/jwks.json, and only
// accepts kids starting with "d-" under its default config, so session tokens are signed with the
// newest dynamic key. A static "s-<uuid>" key is published too, as the real core does.

import { generateKeyPair, createPrivateKey, createPublicKey, randomUUID, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import type { DB } from "./store.js";

const generateKeyPairAsync = promisify(generateKeyPair);

/** Core default `access_token_dynamic_signing_key_update_interval` = 168 h. */
export const DYNAMIC_KEY_INTERVAL_MS = 168 * 3600 * 1000;

export interface SigningKey {
  kid: string;
  kind: "d" | "s";
  createdAt: number;
  privateKey: KeyObject;
  publicKey: KeyObject;
  n: string;
  e: string;
}

interface KeyRow {
  kid: string;
  kind: "d" | "s";
  created_at: number;
  private_pem: string;
  n: string;
  e: string;
}

async function newRsaKey(): Promise<{ privatePem: string; n: string; e: string }> {
  const { privateKey, publicKey } = await generateKeyPairAsync("rsa", { modulusLength: 2048, publicExponent: 65537 });
  const jwk = publicKey.export({ format: "jwk" }) as { n: string; e: string };
  return { privatePem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(), n: jwk.n, e: jwk.e };
}

// RSA generation takes 50–300 ms; in-memory cores started by tests share pre-generated key
// material (each core still gets its own kids), which keeps test start-up fast.
let sharedMaterial: Promise<Array<{ privatePem: string; n: string; e: string }>> | undefined;
function sharedKeyMaterial() {
  sharedMaterial ??= Promise.all([newRsaKey(), newRsaKey()]);
  return sharedMaterial;
}

function rowToKey(r: KeyRow): SigningKey {
  const privateKey = createPrivateKey(r.private_pem);
  return {
    kid: r.kid,
    kind: r.kind,
    createdAt: r.created_at,
    privateKey,
    publicKey: createPublicKey(privateKey),
    n: r.n,
    e: r.e,
  };
}

export class KeyManager {
  private keys: SigningKey[] = [];
  private rotating: Promise<SigningKey> | undefined;

  constructor(
    private readonly db: DB,
    private readonly now: () => number,
    /** How long after a newer key appears an old dynamic key must stay published. */
    private readonly accessTokenValidityMs: number,
  ) {}

  async init(shareMaterial: boolean): Promise<void> {
    this.reload();
    const material = shareMaterial ? await sharedKeyMaterial() : undefined;
    if (!this.keys.some((k) => k.kind === "s")) {
      const m = material?.[1] ?? (await newRsaKey());
      this.insert(`s-${randomUUID()}`, "s", this.now(), m);
    }
    if (!this.keys.some((k) => k.kind === "d")) {
      const m = material?.[0] ?? (await newRsaKey());
      this.insert(`d-${this.now()}`, "d", this.now(), m);
    }
  }

  private reload(): void {
    const rows = this.db.prepare("SELECT * FROM signing_keys ORDER BY created_at DESC").all() as KeyRow[];
    this.keys = rows.map(rowToKey);
  }

  private insert(kid: string, kind: "d" | "s", createdAt: number, m: { privatePem: string; n: string; e: string }) {
    this.db
      .prepare("INSERT OR IGNORE INTO signing_keys (kid, kind, created_at, private_pem, n, e) VALUES (?, ?, ?, ?, ?, ?)")
      .run(kid, kind, createdAt, m.privatePem, m.n, m.e);
    this.reload();
  }

  private latestDynamic(): SigningKey {
    const k = this.keys.find((x) => x.kind === "d");
    if (!k) throw new Error("no dynamic signing key");
    return k;
  }

  /** Newest dynamic key, rotating it first when it is due (like the core's key-rotation cron). */
  async currentDynamicKey(): Promise<SigningKey> {
    const latest = this.latestDynamic();
    if (this.now() < latest.createdAt + DYNAMIC_KEY_INTERVAL_MS) return latest;
    this.rotating ??= (async () => {
      try {
        const m = await newRsaKey();
        const t = this.now();
        this.insert(`d-${t}`, "d", t, m);
        return this.latestDynamic();
      } finally {
        this.rotating = undefined;
      }
    })();
    return this.rotating;
  }

  staticKey(): SigningKey {
    const k = this.keys.find((x) => x.kind === "s");
    if (!k) throw new Error("no static signing key");
    return k;
  }

  byKid(kid: string): SigningKey | undefined {
    let k = this.keys.find((x) => x.kid === kid);
    if (!k) {
      // Another process may share the file store: reload once, as the core reloads its cache.
      this.reload();
      k = this.keys.find((x) => x.kid === kid);
    }
    return k;
  }

  /** Published keys: dynamic keys still able to verify live tokens (newest first), then static. */
  published(): SigningKey[] {
    const now = this.now();
    const dynamic = this.keys.filter((k) => k.kind === "d");
    const live = dynamic.filter(
      (k, i) => i === 0 || k.createdAt + DYNAMIC_KEY_INTERVAL_MS + this.accessTokenValidityMs > now,
    );
    return [...live, ...this.keys.filter((k) => k.kind === "s")];
  }

  /** Seconds until the next dynamic key is due (min 1), for the JWKS Cache-Control header. */
  secondsUntilRotation(): number {
    const due = this.latestDynamic().createdAt + DYNAMIC_KEY_INTERVAL_MS;
    return Math.max(1, Math.floor((due - this.now()) / 1000));
  }

  jwks(): { keys: Array<Record<string, string>> } {
    return {
      keys: this.published().map((k) => ({ kty: "RSA", kid: k.kid, n: k.n, e: k.e, alg: "RS256", use: "sig" })),
    };
  }
}
