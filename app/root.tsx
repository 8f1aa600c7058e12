import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useNavigation,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useEffect, type ReactNode } from "react";
import { AppHeader, SkipLink } from "~/components/app-header";
import { CoreCallFailed, CoreOutage, type CoreOutageDetails } from "~/components/core-outage";
import { THEME_BOOT_SCRIPT } from "~/components/theme-toggle";
import { ToastViewport } from "~/components/toast";
import { getCoreHealth } from "~/core/health.server";
import { getOptionalStaff } from "~/staff/guard.server";
import { readToast } from "~/utils/toast.server";
import { useNonce } from "~/utils/nonce";
import stylesheet from "~/tailwind.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Session Desk" }];

export async function loader({ request }: LoaderFunctionArgs) {
  // Not requireStaff: the sign-in page renders under this loader too. Each route guards itself; here we
  // only learn who (if anyone) is signed in, and tell an anonymous visitor nothing about the core.
  const staff = await getOptionalStaff(request);
  const [core, { toast, setCookie }] = await Promise.all([staff ? getCoreHealth() : null, readToast(request)]);
  return json(
    {
      staff,
      core: core
        ? { mode: core.mode, url: core.url, reachable: core.reachable, problem: core.problem ? { cause: core.problem.cause } : undefined }
        : null,
      toast,
    },
    setCookie ? { headers: { "Set-Cookie": setCookie } } : undefined,
  );
}

export type RootLoaderData = typeof loader;

function Document({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en" className="h-full" suppressHydrationWarning>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <script nonce={nonce} suppressHydrationWarning dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
        <Meta />
        <Links />
      </head>
      <body className="min-h-full">
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

function NavigationProgress() {
  const navigation = useNavigation();
  if (navigation.state === "idle") return null;
  return <div className="fixed inset-x-0 top-0 z-50 h-0.5 animate-pulse bg-indigo-500" role="progressbar" aria-label="Loading" />;
}

export default function App() {
  const data = useLoaderData<typeof loader>();
  // A marker for tests and benchmarks: the page is hydrated and responds to input.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return (
    <Document>
      <NavigationProgress />
      <SkipLink />
      <AppHeader core={data.core} staff={data.staff} />
      <main id="main" tabIndex={-1} className="mx-auto max-w-[1400px] px-4 py-6 outline-none">
        <Outlet />
      </main>
      <ToastViewport toast={data.toast} />
    </Document>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>("root");
  return (
    <Document>
      <SkipLink />
      {data ? <AppHeader core={data.core} staff={data.staff} /> : null}
      <main id="main" tabIndex={-1} className="mx-auto max-w-[1400px] px-4 py-6 outline-none">
        <ErrorView error={error} />
      </main>
    </Document>
  );
}

export function ErrorView({ error }: { error: unknown }) {
  if (isRouteErrorResponse(error)) {
    const problem = (error.data as { coreProblem?: CoreOutageDetails } | null)?.coreProblem;
    if (error.status === 503 && problem) return <CoreOutage problem={problem} />;
    if (problem) return <CoreCallFailed problem={problem} status={error.status} />;
    const message = typeof error.data === "string" ? error.data : (error.data as { message?: string } | null)?.message;
    return (
      <div className="mx-auto max-w-xl py-12" role="alert">
        <p className="text-xs font-semibold uppercase tracking-wide text-slate-500">HTTP {error.status}</p>
        <h1 className="mt-1 text-xl font-semibold">{titleForStatus(error.status)}</h1>
        {message ? <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">{message}</p> : null}
        <a className="btn mt-6" href="/">
          Back to search
        </a>
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-xl py-12" role="alert">
      <h1 className="text-xl font-semibold">Something went wrong</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">
        The dashboard hit an unexpected error. Nothing was changed. Try again; if it keeps happening, check the server log.
      </p>
      <a className="btn mt-6" href="/">
        Back to search
      </a>
    </div>
  );
}

function titleForStatus(status: number): string {
  switch (status) {
    case 401:
      return "Please sign in";
    case 403:
      return "You do not have permission to do that";
    case 404:
      return "Not found";
    case 400:
      return "The request was not valid";
    case 415:
      return "That request did not send a form";
    default:
      return "Something went wrong";
  }
}
