import { Form, useNavigation } from "@remix-run/react";
import { useEffect, useState, type ReactNode } from "react";

/**
 * Two steps for anything destructive: the first click arms the button, the second submits.
 * Disarms itself after a few seconds or on Escape, so a stray double-click on an old page does nothing.
 */
export function ConfirmSubmit({
  intent,
  label,
  confirmLabel,
  fields = {},
  danger = false,
  small = false,
  action,
  reason,
  children,
}: {
  intent: string;
  label: string;
  confirmLabel: string;
  fields?: Record<string, string>;
  danger?: boolean;
  small?: boolean;
  action?: string;
  /**
   * Ask why, in a small field shown once the button is armed; the answer is posted as `reason`.
   * `required` follows AUDIT_REASON_REQUIRED (the server checks it too).
   */
  reason?: { required: boolean; label: string };
  children?: ReactNode;
}) {
  const [armed, setArmed] = useState(false);
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === intent && Object.entries(fields).every(([k, v]) => navigation.formData?.get(k) === v);
  useEffect(() => {
    if (!armed) return;
    // With a reason to type, staff need more than a few seconds; Escape still disarms.
    const timer = reason ? undefined : setTimeout(() => setArmed(false), 5_000);
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && setArmed(false);
    window.addEventListener("keydown", onKey);
    return () => {
      clearTimeout(timer);
      window.removeEventListener("keydown", onKey);
    };
  }, [armed]);
  return (
    <Form method="post" action={action} className="inline-flex items-center gap-2" onSubmit={(event) => {
      if (!armed) {
        event.preventDefault();
        setArmed(true);
      }
    }}>
      <input type="hidden" name="intent" value={intent} />
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {children}
      {reason && armed ? (
        <input
          name="reason"
          aria-label={reason.label}
          placeholder={reason.required ? "Reason (required)" : "Reason (optional)"}
          required={reason.required}
          maxLength={1000}
          autoFocus
          className={`input w-44 ${small ? "py-1 text-xs" : ""}`}
        />
      ) : null}
      <button type="submit" className={`${armed || danger ? "btn-danger" : "btn"} ${small ? "btn-sm" : ""}`} disabled={busy} aria-live="polite">
        {busy ? "Working…" : armed ? confirmLabel : label}
      </button>
    </Form>
  );
}
