/**
 * The dashboard's own database: migrations, and in demo mode the demo staff accounts.
 * Filled in by the staff/audit module.
 */
export async function prepareDashboard(_options: { dataDir: string; log: (line: string) => void }): Promise<void> {}
