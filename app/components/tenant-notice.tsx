/** What app/core/licence.server.ts's describeTenantScope found. */
export interface TenantNoticeData {
  missingTenant?: string;
  noMultiTenancy: boolean;
}

/** Why the tenant list is short, or why the tenant in the link was not used. */
export function TenantNotice({ notice }: { notice: TenantNoticeData | null | undefined }) {
  if (!notice) return null;
  return (
    <div role="note" aria-label="About tenants" className="card border-sky-200 px-4 py-3 text-sm text-slate-700 dark:border-sky-900 dark:text-slate-200" data-testid="tenant-notice">
      {notice.missingTenant ? (
        <p>
          There is no tenant <span className="mono">{notice.missingTenant}</span> on this core, so every tenant it has is searched instead.
        </p>
      ) : null}
      {notice.noMultiTenancy ? (
        <p className={notice.missingTenant ? "mt-1" : undefined}>
          This core has only the <span className="mono">public</span> tenant: its licence does not include multi-tenancy (a SuperTokens core
          without a licence key serves the public tenant only). Users, sessions and everything else in Session Desk work as usual.
        </p>
      ) : null}
    </div>
  );
}
