// Passwordless code flow (`Passwordless.signInUp` = create code + consume code), with the core's
// device / code model: a device (preAuthSessionId = hash of deviceId) holds codes; consuming one
// signs the user in or up and removes the device.

import { createHash, createHmac, randomBytes, randomInt, randomUUID } from "node:crypto";
import type { Route, RequestContext } from "../context.js";
import { badRequest, ok } from "../http.js";
import { optString, reqString } from "../input.js";
import {
  createRecipeUser,
  getUserById,
  loginMethodsInTenant,
  markEmailVerified,
  normaliseEmail,
  normalisePhone,
} from "../users.js";

const b64url = (b: Buffer) => b.toString("base64url");
const deviceIdHashOf = (deviceId: string) => b64url(createHash("sha256").update(Buffer.from(deviceId, "base64")).digest());
const linkCodeOf = (deviceId: string, userInputCode: string) =>
  b64url(createHmac("sha256", Buffer.from(deviceId, "base64")).update(userInputCode).digest());
const linkCodeHashOf = (linkCode: string) => b64url(createHash("sha256").update(Buffer.from(linkCode, "base64url")).digest());

interface DeviceRow {
  device_id_hash: string;
  tenant_id: string;
  email: string | null;
  phone_number: string | null;
  link_code_salt: string;
  failed_attempts: number;
}

function createCode(ctx: RequestContext) {
  const tenantId = ctx.requireTenant();
  const body = ctx.body();
  const given = ["email", "phoneNumber", "deviceId"].filter((k) => k in body);
  if (given.length !== 1) throw badRequest("Please provide exactly one of email, phoneNumber or deviceId");
  const userInputCodeIn = optString(body, "userInputCode");
  const db = ctx.db;
  const now = ctx.now();

  let deviceId: string;
  let device: DeviceRow | undefined;
  if (given[0] === "deviceId") {
    deviceId = reqString(body, "deviceId");
    device = db
      .prepare("SELECT * FROM passwordless_devices WHERE tenant_id = ? AND device_id_hash = ?")
      .get(tenantId, deviceIdHashOf(deviceId)) as DeviceRow | undefined;
    if (!device) return ok({ status: "RESTART_FLOW_ERROR" });
  } else {
    const email = given[0] === "email" ? normaliseEmail(reqString(body, "email")) : null;
    const phone = given[0] === "phoneNumber" ? normalisePhone(reqString(body, "phoneNumber")) : null;
    deviceId = randomBytes(32).toString("base64");
    db.prepare(
      "INSERT INTO passwordless_devices (device_id_hash, tenant_id, email, phone_number, link_code_salt, failed_attempts) VALUES (?, ?, ?, ?, ?, 0)",
    ).run(deviceIdHashOf(deviceId), tenantId, email, phone, randomBytes(32).toString("base64"));
  }
  const userInputCode = userInputCodeIn ?? String(randomInt(0, 1_000_000)).padStart(6, "0");
  const linkCode = linkCodeOf(deviceId, userInputCode);
  const codeId = randomUUID();
  try {
    db.prepare(
      "INSERT INTO passwordless_codes (code_id, tenant_id, device_id_hash, link_code_hash, created_at) VALUES (?, ?, ?, ?, ?)",
    ).run(codeId, tenantId, deviceIdHashOf(deviceId), linkCodeHashOf(linkCode), now);
  } catch {
    return ok({ status: "USER_INPUT_CODE_ALREADY_USED_ERROR" });
  }
  return ok({
    status: "OK",
    preAuthSessionId: deviceIdHashOf(deviceId),
    codeId,
    deviceId,
    userInputCode,
    linkCode,
    timeCreated: now,
    codeLifetime: ctx.state.config.passwordlessCodeLifetimeMs,
  });
}

function consumeCode(ctx: RequestContext) {
  const tenantId = ctx.requireTenant();
  const body = ctx.body();
  const preAuthSessionId = reqString(body, "preAuthSessionId");
  let linkCode: string;
  let viaUserInput = false;
  if ("linkCode" in body) {
    if ("userInputCode" in body || "deviceId" in body) {
      throw badRequest("Please provide exactly one of linkCode or deviceId+userInputCode");
    }
    linkCode = reqString(body, "linkCode");
  } else if ("userInputCode" in body && "deviceId" in body) {
    const deviceId = reqString(body, "deviceId");
    const userInputCode = reqString(body, "userInputCode");
    if (deviceIdHashOf(deviceId) !== preAuthSessionId) throw badRequest("preAuthSessionId and deviceId doesn't match");
    linkCode = linkCodeOf(deviceId, userInputCode);
    viaUserInput = true;
  } else {
    throw badRequest("Please provide exactly one of linkCode or deviceId+userInputCode");
  }
  const db = ctx.db;
  const now = ctx.now();
  const cfg = ctx.state.config;

  const result = db.transaction(() => {
    const device = db
      .prepare("SELECT * FROM passwordless_devices WHERE tenant_id = ? AND device_id_hash = ?")
      .get(tenantId, preAuthSessionId) as DeviceRow | undefined;
    if (!device) return { status: "RESTART_FLOW_ERROR" } as const;
    const code = db
      .prepare("SELECT * FROM passwordless_codes WHERE tenant_id = ? AND link_code_hash = ?")
      .get(tenantId, linkCodeHashOf(linkCode)) as { device_id_hash: string; created_at: number } | undefined;
    const removeDevice = () => {
      db.prepare("DELETE FROM passwordless_codes WHERE tenant_id = ? AND device_id_hash = ?").run(tenantId, device.device_id_hash);
      db.prepare("DELETE FROM passwordless_devices WHERE tenant_id = ? AND device_id_hash = ?").run(tenantId, device.device_id_hash);
    };
    if (!code || code.device_id_hash !== device.device_id_hash) {
      if (!viaUserInput) return { status: "RESTART_FLOW_ERROR" } as const;
      const failed = device.failed_attempts + 1;
      if (failed >= cfg.passwordlessMaxCodeInputAttempts) {
        removeDevice();
        return { status: "RESTART_FLOW_ERROR" } as const;
      }
      db.prepare("UPDATE passwordless_devices SET failed_attempts = ? WHERE tenant_id = ? AND device_id_hash = ?").run(
        failed,
        tenantId,
        device.device_id_hash,
      );
      return {
        status: "INCORRECT_USER_INPUT_CODE_ERROR",
        failedCodeInputAttemptCount: failed,
        maximumCodeInputAttempts: cfg.passwordlessMaxCodeInputAttempts,
      } as const;
    }
    if (code.created_at + cfg.passwordlessCodeLifetimeMs < now) {
      if (!viaUserInput) return { status: "RESTART_FLOW_ERROR" } as const;
      const failed = device.failed_attempts + 1;
      db.prepare("UPDATE passwordless_devices SET failed_attempts = ? WHERE tenant_id = ? AND device_id_hash = ?").run(
        failed,
        tenantId,
        device.device_id_hash,
      );
      return {
        status: "EXPIRED_USER_INPUT_CODE_ERROR",
        failedCodeInputAttemptCount: failed,
        maximumCodeInputAttempts: cfg.passwordlessMaxCodeInputAttempts,
      } as const;
    }
    removeDevice();
    const where = device.email !== null ? "l.recipe_id = 'passwordless' AND l.email = ?" : "l.recipe_id = 'passwordless' AND l.phone_number = ?";
    const [existing] = loginMethodsInTenant(db, tenantId, where, device.email ?? device.phone_number);
    let recipeUserId: string;
    let createdNewUser = false;
    if (existing) recipeUserId = existing.user_id;
    else {
      recipeUserId = createRecipeUser(db, {
        recipeId: "passwordless",
        tenantId,
        email: device.email,
        phoneNumber: device.phone_number,
        timeJoined: now,
      });
      createdNewUser = true;
    }
    // Consuming a code proves the email, so the core records it as verified.
    if (device.email !== null) markEmailVerified(db, recipeUserId, device.email);
    return { status: "OK", device, recipeUserId, createdNewUser } as const;
  })();

  if (result.status !== "OK") return ok(result);
  const consumedDevice: Record<string, unknown> = {
    preAuthSessionId: result.device.device_id_hash,
    failedCodeInputAttemptCount: result.device.failed_attempts,
  };
  if (result.device.email !== null) consumedDevice.email = result.device.email;
  if (result.device.phone_number !== null) consumedDevice.phoneNumber = result.device.phone_number;
  return ok({
    status: "OK",
    createdNewUser: result.createdNewUser,
    user: getUserById(db, result.recipeUserId),
    recipeUserId: result.recipeUserId,
    consumedDevice,
  });
}

export const passwordlessRoutes: Route[] = [
  { path: "/recipe/signinup/code", handlers: { POST: createCode } },
  { path: "/recipe/signinup/code/consume", handlers: { POST: consumeCode } },
];
