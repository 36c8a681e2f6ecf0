import { useEffect, useState } from "preact/hooks";
import { ApiError, auth, setUnauthorizedHandler, type Me } from "./api";
import { ErrorBoundary } from "./components/ErrorBoundary";
import { Header } from "./components/Header";
import { ErrorNote, Skeleton } from "./components/ui";
import { Dashboard } from "./dashboard/Dashboard";
import { AccountSettings } from "./pages/AccountSettings";
import { ApiKeys } from "./pages/ApiKeys";
import { FunnelsPage } from "./pages/FunnelsPage";
import { GoalsPage } from "./pages/GoalsPage";
import { IntegrationsPage } from "./pages/IntegrationsPage";
import { Login, Signup } from "./pages/Auth";
import { NotFound } from "./pages/NotFound";
import { Realtime } from "./pages/Realtime";
import { SiteLayout } from "./pages/SiteLayout";
import { SiteSettings } from "./pages/SiteSettings";
import { Websites } from "./pages/Websites";
import { VisitorPage } from "./visitors/VisitorPage";
import { VisitorsPage } from "./visitors/VisitorsPage";
import { match, navigate, useLocation } from "./router";
import { SessionContext } from "./session";

const PUBLIC_PATHS = ["/login", "/signup"];

export function App() {
  const { path } = useLocation();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [bootError, setBootError] = useState<Error | null>(null);

  useEffect(() => {
    setUnauthorizedHandler(() => setMe(null));
    auth.me().then(setMe, (e: Error) => {
      if (e instanceof ApiError && e.status === 401) setMe(null);
      else setBootError(e);
    });
    return () => setUnauthorizedHandler(null);
  }, []);

  const isPublic = PUBLIC_PATHS.includes(path);
  useEffect(() => {
    if (me === null && !isPublic) {
      const here = location.pathname + location.search;
      navigate(here === "/" ? "/login" : `/login?next=${encodeURIComponent(here)}`, { replace: true });
    }
  }, [me, isPublic]);

  if (bootError)
    return (
      <main class="page narrow">
        <h1>DataSaaS</h1>
        <ErrorNote error={bootError} onRetry={() => location.reload()} />
      </main>
    );
  if (me === undefined)
    return (
      <main class="page narrow" aria-busy="true">
        <Skeleton lines={4} />
      </main>
    );

  return (
    <SessionContext.Provider value={{ me, setMe }}>
      <ErrorBoundary>
        {me && <Header />}
        <main id="main">
          <ErrorBoundary>{me ? <AuthedRoutes path={path} /> : <PublicRoutes path={path} />}</ErrorBoundary>
        </main>
      </ErrorBoundary>
    </SessionContext.Provider>
  );
}

function PublicRoutes({ path }: { path: string }) {
  if (path === "/signup") return <Signup />;
  if (path === "/login") return <Login />;
  return null;
}

function AuthedRoutes({ path }: { path: string }) {
  if (path === "/login" || path === "/signup") {
    const next = new URLSearchParams(location.search).get("next");
    navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : "/", { replace: true });
    return null;
  }
  if (path === "/") return <Websites />;
  if (path === "/settings/api-keys") return <ApiKeys />;
  if (path === "/settings/account") return <AccountSettings />;
  let p: Record<string, string> | null;
  if ((p = match("/sites/:id", path)))
    return <SiteLayout id={p.id} section="dashboard" render={(site) => <Dashboard site={site} />} />;
  if ((p = match("/sites/:id/realtime", path)))
    return <SiteLayout id={p.id} section="realtime" render={(site) => <Realtime site={site} />} />;
  if ((p = match("/sites/:id/visitors", path)))
    return <SiteLayout id={p.id} section="visitors" render={(site) => <VisitorsPage site={site} />} />;
  if ((p = match("/sites/:id/visitors/:visitor", path))) {
    const visitor = p.visitor;
    return <SiteLayout id={p.id} section="visitors" render={(site) => <VisitorPage site={site} visitorId={visitor} />} />;
  }
  if ((p = match("/sites/:id/goals", path)))
    return <SiteLayout id={p.id} section="goals" render={(site) => <GoalsPage site={site} />} />;
  if ((p = match("/sites/:id/funnels", path)))
    return <SiteLayout id={p.id} section="funnels" render={(site) => <FunnelsPage site={site} />} />;
  if ((p = match("/sites/:id/integrations", path)))
    return <SiteLayout id={p.id} section="integrations" render={(site) => <IntegrationsPage site={site} />} />;
  if ((p = match("/sites/:id/settings", path)))
    return <SiteLayout id={p.id} section="settings" render={(site, reload) => <SiteSettings site={site} onSaved={reload} />} />;
  return <NotFound />;
}
