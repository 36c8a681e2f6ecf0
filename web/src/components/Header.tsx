import { auth } from "../api";
import { Link, navigate, useLocation } from "../router";
import { useSession } from "../session";

export function Header() {
  const { me, setMe } = useSession();
  const { path } = useLocation();
  const current = (href: string) => (href === "/" ? path === "/" || path.startsWith("/sites/") : path.startsWith(href));
  return (
    <header class="topbar">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <Link href="/" class="brand" aria-label="DataSaaS home">
        <svg width="22" height="22" viewBox="0 0 16 16" aria-hidden="true">
          <rect width="16" height="16" rx="3" fill="var(--accent)" />
          <path d="M3 12l3-4 3 2 4-6" stroke="#fff" stroke-width="1.6" fill="none" />
        </svg>
        <span>DataSaaS</span>
      </Link>
      <nav class="topnav" aria-label="Main">
        <Link href="/" aria-current={current("/") ? "page" : undefined}>
          Websites
        </Link>
        <Link href="/settings/api-keys" aria-current={current("/settings/api-keys") ? "page" : undefined}>
          API keys
        </Link>
        <Link href="/settings/account" aria-current={current("/settings/account") ? "page" : undefined} title={me?.email}>
          Account
        </Link>
        <button
          type="button"
          class="btn btn-small btn-ghost"
          onClick={async () => {
            try {
              await auth.logout();
            } catch {
              // Logged out or not, the session on this screen is over.
            }
            setMe(null);
            navigate("/login");
          }}
        >
          Log out
        </button>
      </nav>
    </header>
  );
}
