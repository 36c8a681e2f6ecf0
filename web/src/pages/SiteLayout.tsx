import type { ComponentChildren } from "preact";
import { websites, type Website } from "../api";
import { ErrorNote, Skeleton } from "../components/ui";
import { useAsync } from "../hooks";
import { Link } from "../router";

type Section = "dashboard" | "realtime" | "visitors" | "goals" | "funnels" | "integrations" | "settings";

const SECTIONS: { key: Section; label: string; suffix: string }[] = [
  { key: "dashboard", label: "Dashboard", suffix: "" },
  { key: "realtime", label: "Realtime", suffix: "/realtime" },
  { key: "visitors", label: "Visitors", suffix: "/visitors" },
  { key: "goals", label: "Goals", suffix: "/goals" },
  { key: "funnels", label: "Funnels", suffix: "/funnels" },
  { key: "integrations", label: "Revenue", suffix: "/integrations" },
  { key: "settings", label: "Settings", suffix: "/settings" },
];

/** Loads one website and frames its screens with the site's name and section tabs. */
export function SiteLayout({
  id,
  section,
  render,
}: {
  id: string;
  section: Section;
  render: (site: Website, reload: () => void) => ComponentChildren;
}) {
  const site = useAsync((signal) => websites.get(id, signal), [id]);
  const base = `/sites/${encodeURIComponent(id)}`;
  return (
    <div class="page">
      <div class="site-head">
        <div>
          <h1 class="site-title">{site.data?.name ?? (site.error ? "Website" : "…")}</h1>
          {site.data && site.data.name !== site.data.domain && <div class="muted small">{site.data.domain}</div>}
        </div>
        <nav class="tabs site-tabs" aria-label="Website sections">
          {SECTIONS.map((s) => (
            <Link key={s.key} href={base + s.suffix} class="tab" aria-current={s.key === section ? "page" : undefined}>
              {s.label}
            </Link>
          ))}
        </nav>
      </div>
      {site.error ? (
        <>
          <ErrorNote error={site.error} onRetry={site.reload} />
          <p>
            <Link href="/">Back to your websites</Link>
          </p>
        </>
      ) : site.data ? (
        render(site.data, site.reload)
      ) : (
        <Skeleton lines={6} />
      )}
    </div>
  );
}
