import { describe, expect, it } from "vitest";
import { judgeWrite, matchSchema, overlapsWith, parseTenantList, type SchemaScope } from "~/schema/rules";
import { compileSessionSchema } from "~/schema/validator.server";

const scope = (id: string, tenants: string[] | null, source: SchemaScope["source"] = "database"): SchemaScope => ({ id, tenants, source });

describe("matching a schema to a session's tenant", () => {
  const everyTenant = scope("all", null);
  const acme = scope("acme", ["acme", "acme-eu"]);
  const globex = scope("globex", ["globex"]);

  it("prefers a schema that names the tenant over one for every tenant", () => {
    expect(matchSchema([everyTenant, acme, globex], "acme")?.id).toBe("acme");
    expect(matchSchema([everyTenant, acme, globex], "acme-eu")?.id).toBe("acme");
    expect(matchSchema([everyTenant, acme, globex], "globex")?.id).toBe("globex");
    expect(matchSchema([everyTenant, acme, globex], "initech")?.id).toBe("all");
  });

  it("treats a session without a tenant as the public tenant, and finds none when nothing matches", () => {
    expect(matchSchema([scope("public", ["public"]), everyTenant], undefined)?.id).toBe("public");
    expect(matchSchema([acme, globex], "initech")).toBeNull();
    expect(matchSchema([], "acme")).toBeNull();
  });

  it("lets the file win over a database schema at the same level", () => {
    expect(matchSchema([everyTenant, scope("file", null, "file")], "acme")?.id).toBe("file");
    expect(matchSchema([acme, scope("file", null, "file")], "acme")?.id).toBe("acme");
  });

  it("finds overlapping schemas: the same tenant twice, or two for every tenant", () => {
    expect(overlapsWith([everyTenant, acme, globex], scope("new", ["globex", "x"])).map((s) => s.id)).toEqual(["globex"]);
    expect(overlapsWith([everyTenant, acme], scope("new", null)).map((s) => s.id)).toEqual(["all"]);
    expect(overlapsWith([everyTenant, acme], scope("new", ["initech"]))).toEqual([]);
    expect(overlapsWith([acme], scope("acme", ["acme"]))).toEqual([]); // a new version of itself
  });

  it("reads the tenants field", () => {
    expect(parseTenantList("")).toBeNull();
    expect(parseTenantList(" * ")).toBeNull();
    expect(parseTenantList("acme, globex\nacme")).toEqual(["acme", "globex"]);
  });
});

describe("the write rule: make nothing worse", () => {
  const compiled = compileSessionSchema(
    JSON.stringify({
      type: "object",
      required: ["plan"],
      properties: { plan: { enum: ["free", "pro"] }, seats: { type: "integer", minimum: 1 }, theme: { type: "string" } },
    }),
  );
  if (!compiled.ok) throw new Error(compiled.problems.join());
  const check = (before: unknown, after: unknown) => judgeWrite(compiled.validator.validate(before), compiled.validator.validate(after));

  it("allows a write that keeps valid data valid", () => {
    expect(check({ plan: "free", seats: 1 }, { plan: "pro", seats: 5 })).toEqual({ verdict: "valid" });
  });

  it("refuses a write that makes valid data invalid, naming the new errors", () => {
    const judged = check({ plan: "free" }, { plan: "Pro" });
    expect(judged.verdict).toBe("worse");
    expect(judged.verdict === "worse" && judged.wasValid).toBe(true);
    expect(judged.verdict === "worse" && judged.introduced.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([`plan: must be one of "free", "pro"`]);
  });

  it("allows a write to already-invalid data that adds no error, and says which remain", () => {
    const judged = check({ plan: "Pro", seats: 0, theme: 1 }, { plan: "Pro", seats: 2, theme: 1 });
    expect(judged.verdict).toBe("no-worse");
    expect(judged.verdict === "no-worse" && judged.remaining.map((issue) => issue.path)).toEqual(["plan", "theme"]);
    // Changing a bad value to another bad value at the same place breaks the same rule: not worse.
    expect(check({ plan: "Pro" }, { plan: "Enterprise" }).verdict).toBe("no-worse");
  });

  it("refuses a write to already-invalid data that adds an error, keeping the old ones apart", () => {
    const judged = check({ plan: "Pro" }, { plan: "Pro", seats: -1 });
    expect(judged.verdict).toBe("worse");
    if (judged.verdict !== "worse") return;
    expect(judged.wasValid).toBe(false);
    expect(judged.introduced.map((issue) => issue.path)).toEqual(["seats"]);
    expect(judged.remaining.map((issue) => issue.path)).toEqual(["plan"]);
  });

  it("counts a missing required key as an error of the object", () => {
    const judged = check({ plan: "free" }, {});
    expect(judged.verdict === "worse" && judged.introduced[0]!.message).toBe("must have required property 'plan'");
  });
});
