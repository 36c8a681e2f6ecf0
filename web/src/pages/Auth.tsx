import { useState } from "preact/hooks";
import { auth, readCookie, type Me } from "../api";
import { ErrorNote } from "../components/ui";
import { useDocumentTitle } from "../hooks";
import { Link, navigate } from "../router";
import { useSession } from "../session";

function afterLogin(me: Me, setMe: (me: Me) => void) {
  setMe(me);
  const next = new URLSearchParams(location.search).get("next");
  navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : "/", { replace: true });
}

async function ensureCsrfCookie() {
  if (!readCookie("XSRF-TOKEN")) await auth.primeCsrf();
}

export function Login() {
  useDocumentTitle("Log in");
  const { setMe } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await ensureCsrfCookie();
      afterLogin(await auth.login(email.trim(), password), setMe);
    } catch (err) {
      setError(err as Error);
      setBusy(false);
    }
  };

  return (
    <div class="auth-page">
      <form class="card auth-card" onSubmit={submit} noValidate={false}>
        <h1>Log in to DataSaaS</h1>
        <ErrorNote error={error} />
        <label>
          Email
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? "Logging in…" : "Log in"}
        </button>
        <p class="muted">
          First time here? <Link href="/signup">Create the owner account</Link>.
        </p>
      </form>
    </div>
  );
}

export function Signup() {
  useDocumentTitle("Sign up");
  const { setMe } = useSession();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await ensureCsrfCookie();
      afterLogin(await auth.signup(email.trim(), password, name.trim()), setMe);
    } catch (err) {
      setError(err as Error);
      setBusy(false);
    }
  };

  return (
    <div class="auth-page">
      <form class="card auth-card" onSubmit={submit}>
        <h1>Create your account</h1>
        <p class="muted">On a new instance the first account becomes its owner.</p>
        <ErrorNote error={error} />
        <label>
          Name
          <input type="text" name="name" autoComplete="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Email
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            name="password"
            autoComplete="new-password"
            required
            minLength={8}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
          <span class="hint">At least 8 characters.</span>
        </label>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? "Creating…" : "Create account"}
        </button>
        <p class="muted">
          Already have an account? <Link href="/login">Log in</Link>.
        </p>
      </form>
    </div>
  );
}
