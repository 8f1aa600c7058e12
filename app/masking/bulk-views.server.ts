/**
 * A bulk run's pages as a masked reader may see them: the value the run sets (RunSummary.valueJson, which
 * is data at the run's key path) and every dry-run summary (per group of identical changes and per
 * session), whose details preview values before and after.
 */
import type { ChangeGroupView, RunItemView, RunSummary } from "~/bulk/types";
import type { SessionDataMasker } from "./policy.server";

export function maskRunSummary<T extends Pick<RunSummary, "valueJson" | "pointer" | "tenantId">>(masker: SessionDataMasker, run: T): T {
  const valueJson = masker.maskValueJson({ tenantId: run.tenantId }, run.pointer, run.valueJson);
  return valueJson === run.valueJson ? run : { ...run, valueJson };
}

export function maskChangeGroups<T extends Pick<ChangeGroupView, "summary">>(masker: SessionDataMasker, tenantId: string | null, groups: T[]): T[] {
  return groups.map((group) => (group.summary ? { ...group, summary: masker.maskSummary({ tenantId }, group.summary) } : group));
}

export function maskRunItems<T extends Pick<RunItemView, "summary" | "sessionHandle" | "tenantId">>(masker: SessionDataMasker, items: T[]): T[] {
  return items.map((item) => (item.summary ? { ...item, summary: masker.maskSummary({ sessionHandle: item.sessionHandle, tenantId: item.tenantId }, item.summary) } : item));
}
