import { describe, expect, it } from "vitest";
import { auditFiltersToSearch } from "../../../app/audit/filters";
import { parseAuditFilters } from "../../../app/audit/filters.server";
import { newAuditId } from "../../../app/audit/ids.server";

describe("audit filters in the URL", () => {
  it("parses every filter and trims text", () => {
    const { filters, problems } = parseAuditFilters(
      new URLSearchParams("user=%20u1%20&staff=a@b.c&session=h1&action=revert&from=2026-01-01&to=2026-01-31&page=3"),
    );
    expect(problems).toEqual([]);
    expect(filters).toEqual({ user: "u1", staff: "a@b.c", session: "h1", action: "revert", from: "2026-01-01", to: "2026-01-31", page: 3 });
  });

  it("treats empty fields as absent (what a submitted empty form sends)", () => {
    expect(parseAuditFilters(new URLSearchParams("user=&staff=&session=&action=&from=&to=&page=")).filters).toEqual({ page: 1 });
  });

  it("drops bad values and names them, keeping the good ones", () => {
    const { filters, problems } = parseAuditFilters(new URLSearchParams("user=u1&action=explode&from=2026-02-30&page=-1"));
    expect(filters).toEqual({ user: "u1", page: 1 });
    expect(problems).toHaveLength(3);
    expect(problems.join(" ")).toMatch(/action/);
    expect(problems.join(" ")).toMatch(/from: is not a real date|from: use a date/);
  });

  it("builds links that keep the filters and reset or set the page", () => {
    const { filters } = parseAuditFilters(new URLSearchParams("user=u 1&action=edit&page=4"));
    expect(auditFiltersToSearch(filters)).toBe("?user=u+1&action=edit");
    expect(auditFiltersToSearch(filters, { page: 5 })).toBe("?user=u+1&action=edit&page=5");
    expect(auditFiltersToSearch({ page: 1 })).toBe("");
  });
});

describe("audit entry ids", () => {
  it("sort in creation order, also within one millisecond", () => {
    const at = new Date("2026-05-05T05:05:05.005Z");
    const ids = [newAuditId(at), newAuditId(at), newAuditId(at), newAuditId(new Date(at.getTime() + 1))];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(4);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{28}$/);
  });
});
