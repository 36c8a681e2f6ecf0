import { fireEvent, render, screen } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { Login } from "../src/pages/Auth";
import { SessionContext } from "../src/session";
import { mockApi } from "./helpers";

function renderLogin(setMe = (_: unknown) => {}) {
  return render(
    <SessionContext.Provider value={{ me: null, setMe }}>
      <Login />
    </SessionContext.Provider>,
  );
}

function fillAndSubmit(email: string, password: string) {
  fireEvent.input(screen.getByLabelText("Email"), { target: { value: email } });
  fireEvent.input(screen.getByLabelText("Password"), { target: { value: password } });
  fireEvent.click(screen.getByRole("button", { name: "Log in" }));
}

describe("login form", () => {
  it("shows the server's message when the password is wrong", async () => {
    const calls = mockApi((c) =>
      c.url.pathname === "/api/auth/login"
        ? { status: 401, body: { error: { code: 401, message: "Wrong email or password." } } }
        : { status: 401, body: { error: { code: 401, message: "Log in first." } } },
    );
    renderLogin();
    fillAndSubmit("me@example.com", "not-my-password");
    expect((await screen.findByRole("alert")).textContent).toContain("Wrong email or password.");
    const login = calls.find((c) => c.url.pathname === "/api/auth/login");
    expect(login?.body).toEqual({ email: "me@example.com", password: "not-my-password" });
    expect(screen.getByRole("button", { name: "Log in" })).not.toHaveProperty("disabled", true);
  });

  it("explains rate limiting even without a message from the server", async () => {
    mockApi((c) => (c.url.pathname === "/api/auth/login" ? { status: 429 } : { status: 401 }));
    renderLogin();
    fillAndSubmit("me@example.com", "x");
    expect((await screen.findByRole("alert")).textContent).toMatch(/Too many attempts/);
  });

  it("hands the account to the session on success", async () => {
    let me: unknown = null;
    document.cookie = "XSRF-TOKEN=abc; path=/";
    mockApi(() => ({ body: { id: "u1", email: "me@example.com", name: "Me", created_at: "2026-01-01T00:00:00Z" } }));
    renderLogin((m) => (me = m));
    fillAndSubmit("me@example.com", "right-password");
    await screen.findByText("Logging in…").catch(() => undefined);
    await new Promise((r) => setTimeout(r, 0));
    expect(me).toMatchObject({ email: "me@example.com" });
    expect(location.pathname).toBe("/");
  });
});
