import { useState } from "preact/hooks";
import { auth } from "../api";
import { ErrorNote } from "../components/ui";
import { useDocumentTitle } from "../hooks";
import { useSession } from "../session";

export function AccountSettings() {
  useDocumentTitle("Account");
  const { me } = useSession();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [revokeKeys, setRevokeKeys] = useState(false);
  const [error, setError] = useState<Error | string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setDone(false);
    if (next.length < 8) return setError("The new password must be at least 8 characters.");
    if (next !== repeat) return setError("The two new passwords differ. Type the same password twice.");
    setBusy(true);
    setError(null);
    try {
      await auth.changePassword(current, next, revokeKeys);
      setDone(true);
      setCurrent("");
      setNext("");
      setRepeat("");
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="page stack">
      <h1>Account</h1>
      <section class="card">
        <h2>You</h2>
        <dl class="facts">
          <dt>Name</dt>
          <dd>{me?.name}</dd>
          <dt>Email</dt>
          <dd>{me?.email}</dd>
          {me?.createdAt && (
            <>
              <dt>Member since</dt>
              <dd>{new Date(me.createdAt).toLocaleDateString()}</dd>
            </>
          )}
        </dl>
      </section>
      <form class="card form-grid" onSubmit={submit} aria-label="Change password">
        <h2>Change password</h2>
        <ErrorNote error={error} />
        {done && (
          <p class="ok-text" role="status">
            Your password is changed. Every other session of this account is logged out
            {revokeKeys ? " and every API key is revoked." : "."}
          </p>
        )}
        <label>
          Current password
          <input
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onInput={(e) => setCurrent(e.currentTarget.value)}
          />
        </label>
        <label>
          New password
          <input
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            value={next}
            onInput={(e) => setNext(e.currentTarget.value)}
          />
        </label>
        <label>
          Repeat new password
          <input
            type="password"
            autoComplete="new-password"
            required
            value={repeat}
            onInput={(e) => setRepeat(e.currentTarget.value)}
          />
        </label>
        <label>
          <input type="checkbox" checked={revokeKeys} onChange={(e) => setRevokeKeys(e.currentTarget.checked)} /> Also revoke
          every API key (do this if the old password may have leaked)
        </label>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? "Saving…" : "Change password"}
          </button>
        </div>
      </form>
    </div>
  );
}
