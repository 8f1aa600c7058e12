import { Form, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { formatDateTime } from "~/utils/format";

export interface MaskingPanelData {
  masked: boolean;
  revealedUntil: string | null;
  applies: boolean;
  hidden: number;
}

/**
 * Above the session data: what is masked for this staff member and the way to see it ("Reveal", with a
 * reason, for a few minutes), or how long a reveal still lasts. The server decides what the page holds;
 * this only says so and posts the request.
 */
export function MaskingPanel({
  masking,
  revealMinutes,
  now,
  action,
}: {
  masking: MaskingPanelData;
  revealMinutes: number;
  reasonRequired: boolean;
  now: number;
  action: string;
}) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formAction === action;
  if (!masking.applies) return null;
  if (masking.revealedUntil) return <RevealedNotice until={masking.revealedUntil} now={now} action={action} busy={busy} />;
  if (masking.hidden === 0) return null;
  const values = masking.hidden === 1 ? "1 value is" : `${masking.hidden.toLocaleString("en-US")} values are`;
  return (
    <section aria-labelledby="masked-heading" className="card space-y-2 border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950">
      <h3 id="masked-heading" className="font-semibold text-amber-900 dark:text-amber-200">
        {values} masked for your role
      </h3>
      <p className="text-amber-900 dark:text-amber-200">
        They show as <span className="mono">•••• (masked)</span> here, in the history and in the audit trail. You can change other keys; a save keeps the
        hidden values as they are. To see or change them, reveal this session for {revealMinutes} {revealMinutes === 1 ? "minute" : "minutes"}: the reveal
        and its reason go into the audit trail.
      </p>
      <Form method="post" action={action} className="flex flex-wrap items-end gap-2">
        <input type="hidden" name="intent" value="reveal" />
        <div className="min-w-[16rem] flex-1">
          <label className="label" htmlFor="reveal-reason">
            Reason for revealing (required) — kept in the audit trail
          </label>
          <input id="reveal-reason" name="reason" className="input" required maxLength={2000} placeholder="e.g. Ticket #4521: customer reports a wrong address" />
        </div>
        <button type="submit" className="btn" disabled={busy}>
          {busy ? "Revealing…" : `Reveal for ${revealMinutes} min`}
        </button>
      </Form>
    </section>
  );
}

function RevealedNotice({ until, now, action, busy }: { until: string; now: number; action: string; busy: boolean }) {
  const end = Date.parse(until);
  // The server's "now" first (same text on the server and in the browser), then a ticking clock.
  const [clock, setClock] = useState(now);
  useEffect(() => {
    setClock(Date.now());
    const timer = setInterval(() => setClock(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, Math.round((end - clock) / 1000));
  const ended = left === 0;
  return (
    <section aria-labelledby="revealed-heading" className="card flex flex-wrap items-center gap-3 border-indigo-300 bg-indigo-50 p-3 text-sm dark:border-indigo-800 dark:bg-indigo-950">
      <div className="flex-1" role="status">
        <h3 id="revealed-heading" className="font-semibold text-indigo-900 dark:text-indigo-200">
          {ended ? "Your reveal has ended" : "Masked values are revealed to you"}
        </h3>
        <p className="text-indigo-900 dark:text-indigo-200">
          {ended
            ? "Reload the page to see this session masked again; a save from this page is refused now."
            : `Until ${formatDateTime(end)} — ${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")} left. Only you see them; the reveal is in the audit trail.`}
        </p>
      </div>
      {!ended ? (
        <Form method="post" action={action}>
          <input type="hidden" name="intent" value="mask-again" />
          <button type="submit" className="btn btn-sm" disabled={busy}>
            Mask again now
          </button>
        </Form>
      ) : null}
    </section>
  );
}
