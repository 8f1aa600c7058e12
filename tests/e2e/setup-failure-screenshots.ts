// On a failed browser test, every page still open is saved as `FAILED <test name>.png` next to the other
// screenshots, so a failure in CI shows what a person would have seen at that moment.
import { afterEach } from "vitest";
import { screenshotOpenPages } from "../helpers/browser";

afterEach(async (context) => {
  if (context.task.result?.state !== "fail") return;
  await screenshotOpenPages(`FAILED ${context.task.name}`.replace(/[^\w .-]+/g, "_").slice(0, 120));
});
