/** Why the change is made, kept in the audit trail (a ticket number is enough). */
export function ReasonField({ id, value, onChange, required }: { id: string; value: string; onChange: (value: string) => void; required: boolean }) {
  return (
    <div>
      <label className="label" htmlFor={id}>
        Reason {required ? "(required)" : "(optional)"} — kept in the audit trail
      </label>
      <textarea
        id={id}
        name="reason"
        className="input min-h-[2.5rem]"
        rows={2}
        maxLength={2000}
        required={required}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        placeholder="e.g. Ticket #4521: customer upgraded by phone"
      />
    </div>
  );
}
