/**
 * Weak passwords are refused with an estimator, not only a length: zxcvbn-ts (the maintained TypeScript
 * port of Dropbox's zxcvbn) with its common and English dictionaries. A password must score at least 3
 * of 4 ("safely unguessable: moderate protection from offline slow-hash scenario"), judged with the
 * person's own email, name and the product's name as words an attacker would try first.
 */
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as english from "@zxcvbn-ts/language-en";

export const MIN_PASSWORD_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;
function passwordEstimator(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  });
  return estimator;
}

export type PasswordVerdict = { ok: true } | { ok: false; message: string };

/** Whether `password` is strong enough for a staff account; if not, a message that says why and what to do. */
export function judgePassword(password: string, about: { email: string; displayName?: string | null }): PasswordVerdict {
  const localPart = about.email.split("@")[0] ?? "";
  const name = about.displayName ?? "";
  const userInputs = [
    about.email,
    localPart,
    localPart.replace(/[._+-]/g, ""),
    ...localPart.split(/[._+-]/),
    name,
    name.replace(/\s+/g, ""),
    ...name.split(/\s+/),
    ...["session", "desk", "sessiondesk", "supertokens"],
  ]
    .map((word) => word.trim().toLowerCase())
    .filter((word) => word.length >= 3);
  const result = passwordEstimator().check(password, userInputs);
  if (result.score >= MIN_PASSWORD_SCORE) return { ok: true };
  const why = result.feedback.warning ? `${result.feedback.warning.replace(/\.?$/, ".")} ` : "";
  const tips = result.feedback.suggestions.length > 0 ? ` ${result.feedback.suggestions.join(" ")}` : "";
  return {
    ok: false,
    message: `That password is too easy to guess. ${why}Use a longer one: a few unrelated words, or leave the field empty to get a generated password.${tips}`,
  };
}
