import { describe, expect, it } from "vitest";
import { load } from "./harness";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("first pageview", () => {
  it("carries every field, UTM and click ids of the landing URL, and the referrer", () => {
    const t = load({ referrer: "https://news.example.org/post" });
    expect(t.sent).toHaveLength(1);
    const [s] = t.sent;
    expect(s.via).toBe("fetch");
    expect(s.url).toBe("https://stats.example.net/api/events");
    expect(s.init.method).toBe("POST");
    expect(s.init.keepalive).toBe(true);
    // a string body makes fetch send Content-Type text/plain (no CORS preflight)
    expect(typeof s.init.body).toBe("string");
    expect(s.init.headers).toBeUndefined();
    const e = s.body;
    expect(e).toMatchObject({
      website_id: "mrf_test",
      event_type: "pageview",
      url: "https://example.com/pricing?utm_source=news&utm_medium=email&gclid=abc123",
      hostname: "example.com",
      pathname: "/pricing",
      referrer: "https://news.example.org/post",
      title: "Test page",
      language: "en-US",
      utm_source: "news",
      utm_medium: "email",
      click_ids: { gclid: "abc123" },
    });
    expect(typeof e.screen_width).toBe("number");
    expect(e.visitor_id).toMatch(UUID_V4);
    expect(e.session_id).toMatch(UUID_V4);
    expect(e.visitor_id).not.toBe(e.session_id);
    expect(e).not.toHaveProperty("utm_campaign");
    expect(t.w.document.cookie).toContain("datasaas_visitor_id=" + e.visitor_id);
    expect(t.w.document.cookie).toContain("datasaas_session_id=" + e.session_id);
  });

  it("sends the referrer only on the first pageview of a session", () => {
    const t = load({ referrer: "https://news.example.org/post" });
    t.w.history.pushState({}, "", "/next");
    expect(t.events().filter((e) => e.event_type == "pageview")).toHaveLength(2);
    expect(t.events()[0].referrer).toBe("https://news.example.org/post");
    const second = t.events().find((e) => e.pathname == "/next");
    expect(second).not.toHaveProperty("referrer");
  });

  it("does not send the referrer when the session cookie already exists, and keeps the ids", () => {
    const t = load({
      referrer: "https://example.com/previous",
      before: (w) => {
        w.document.cookie = "datasaas_visitor_id=11111111-1111-4111-8111-111111111111";
        w.document.cookie = "datasaas_session_id=22222222-2222-4222-8222-222222222222";
      },
    });
    const e = t.events()[0];
    expect(e).not.toHaveProperty("referrer");
    expect(e.visitor_id).toBe("11111111-1111-4111-8111-111111111111");
    expect(e.session_id).toBe("22222222-2222-4222-8222-222222222222");
  });

  it("falls back when crypto.randomUUID is missing (plain http)", () => {
    const t = load({
      url: "http://example.com/",
      before: (w) => {
        Object.defineProperty(w.crypto, "randomUUID", { configurable: true, value: undefined });
        let n = 0;
        w.URL.createObjectURL = () => `blob:http://example.com/0000000${n++}-aaaa-4bbb-8ccc-dddddddddddd`;
      },
    });
    const e = t.events()[0];
    expect(e.visitor_id).toMatch(UUID_V4);
    expect(e.session_id).toMatch(UUID_V4);
    expect(e.visitor_id).not.toBe(e.session_id);
  });

  it("uses data-api-url as the full events endpoint", () => {
    const t = load({ attrs: { "data-api-url": "https://example.com/stats/event" } });
    expect(t.sent[0].url).toBe("https://example.com/stats/event");
  });
});

describe("cookies", () => {
  it("are set on data-domain with path, SameSite=Lax, Secure on https, and lifetimes", () => {
    const t = load({ url: "https://www.example.com/" });
    const visitor = t.cookieWrites.find((c) => c.startsWith("datasaas_visitor_id="))!;
    const session = t.cookieWrites.find((c) => c.startsWith("datasaas_session_id="))!;
    for (const c of [visitor, session]) {
      expect(c).toContain(";path=/");
      expect(c).toContain(";SameSite=Lax");
      expect(c).toContain(";domain=example.com");
      expect(c).toContain(";Secure");
      expect(c.toLowerCase()).not.toContain("httponly");
    }
    expect(visitor).toContain(";max-age=31536000");
    expect(session).toContain(";max-age=1800");
  });

  it("are host-only and not Secure when the page is not under data-domain (http)", () => {
    const t = load({ url: "http://localhost:8080/", attrs: { "data-allow-localhost": "" } });
    const c = t.cookieWrites.find((c) => c.startsWith("datasaas_session_id="))!;
    expect(c).not.toContain("domain=");
    expect(c).not.toContain("Secure");
    expect(t.w.document.cookie).toContain("datasaas_session_id=");
  });

  it("use an allowed hostname as the cookie domain on that hostname", () => {
    const t = load({ url: "https://shop.other.org/", attrs: { "data-allowed-hostnames": "app.example.net, other.org" } });
    expect(t.cookieWrites[0]).toContain(";domain=other.org");
  });

  it("renew the session expiry on every event", () => {
    const t = load();
    const before = t.cookieWrites.filter((c) => c.startsWith("datasaas_session_id=")).length;
    t.w.datasaas("signup");
    const after = t.cookieWrites.filter((c) => c.startsWith("datasaas_session_id="));
    expect(after.length).toBe(before + 1);
    expect(after.at(-1)).toContain(";max-age=1800");
  });
});

describe("SPA navigation", () => {
  it("sends a pageview per new URL, never twice in a row for the same URL", () => {
    const t = load({ url: "https://example.com/a" });
    t.w.history.pushState({}, "", "/b");
    t.w.history.replaceState({}, "", "/b");
    t.w.history.pushState({}, "", "/b#section"); // hash ignored without data-hash
    t.w.history.pushState({}, "", "/c?x=1");
    const pageviews = t.events().filter((e) => e.event_type == "pageview");
    expect(pageviews.map((e) => e.pathname)).toEqual(["/a", "/b", "/c"]);
  });

  it("keeps the landing UTM values on later SPA pageviews", () => {
    const t = load({ url: "https://example.com/?utm_campaign=spring&fbclid=fb1" });
    t.w.history.pushState({}, "", "/plain");
    const last = t.events().at(-1);
    expect(last).toMatchObject({ pathname: "/plain", utm_campaign: "spring", click_ids: { fbclid: "fb1" } });
  });

  it("sends a _leave for the previous page (with its URL) before the new pageview", () => {
    let now = 1_000;
    const t = load({ url: "https://example.com/a", before: (w) => (w.Date.now = () => now) });
    now += 4_000;
    t.w.history.pushState({}, "", "/b");
    expect(t.types()).toEqual(["pageview", "_leave", "pageview"]);
    const leave = t.sent[1];
    expect(leave.via).toBe("beacon");
    expect(leave.body).toMatchObject({ pathname: "/a", duration: 4000 });
    expect(leave.body.scroll_depth).toBeGreaterThanOrEqual(0);
    expect(leave.body.scroll_depth).toBeLessThanOrEqual(100);
  });

  it("tracks popstate, and hash changes only with data-hash", async () => {
    const plain = load({ url: "https://example.com/a" });
    plain.w.location.hash = "#/b";
    await wait(10);
    expect(plain.types().filter((x) => x == "pageview")).toHaveLength(1);

    const hash = load({ url: "https://example.com/app#/a", attrs: { "data-hash": "" } });
    hash.w.location.hash = "#/b";
    await wait(10);
    const pageviews = hash.events().filter((e) => e.event_type == "pageview");
    expect(pageviews.map((e) => e.pathname)).toEqual(["/app#/a", "/app#/b"]);
    expect(pageviews[1].url).toBe("https://example.com/app#/b");
  });
});

describe("engagement", () => {
  it("sends _leave with visible time and max scroll depth when hidden, once per visible period", () => {
    let now = 1_000;
    const t = load({ before: (w) => (w.Date.now = () => now) });
    const root = t.w.document.documentElement;
    Object.defineProperty(root, "scrollHeight", { configurable: true, value: 4000 });
    t.w.innerHeight = 1000;
    t.w.scrollY = 1000; // bottom of viewport at 2000 of 4000
    t.w.dispatchEvent(new t.w.Event("scroll"));
    t.w.scrollY = 0;
    t.w.dispatchEvent(new t.w.Event("scroll"));
    now = 6_000;
    t.setHidden(true);
    now = 60_000; // hidden time does not count
    t.setHidden(true);
    t.w.dispatchEvent(new t.w.Event("pagehide"));
    expect(t.types()).toEqual(["pageview", "_leave"]);
    expect(t.events()[1]).toMatchObject({ duration: 5000, scroll_depth: 50 });

    t.setHidden(false);
    now = 62_000;
    t.setHidden(true);
    expect(t.types()).toEqual(["pageview", "_leave", "_leave"]);
    expect(t.events()[2]).toMatchObject({ duration: 7000, scroll_depth: 50 }); // total engaged time
  });

  it("falls back to fetch keepalive when sendBeacon refuses", () => {
    const t = load({ beacon: false });
    t.setHidden(true);
    const leave = t.sent.filter((s) => s.body.event_type == "_leave");
    expect(leave.map((s) => s.via)).toEqual(["beacon", "fetch"]);
    expect(leave[1].init.keepalive).toBe(true);
  });

  it("sends _heartbeat on the (test-only) interval while visible, none while hidden", async () => {
    const t = load({ attrs: { "data-heartbeat-interval": "20" } });
    await wait(70);
    const visible = t.types().filter((x) => x == "_heartbeat").length;
    expect(visible).toBeGreaterThanOrEqual(2);
    t.setHidden(true);
    await wait(70);
    expect(t.types().filter((x) => x == "_heartbeat").length).toBe(visible);
  });
});

describe("outbound links", () => {
  const body = `<a id="out" href="https://other.org/x"><span id="inner">x</span></a>
    <a id="same" href="/local">l</a><a id="mail" href="mailto:a@b.c">m</a>`;
  const setup = () => {
    const t = load({ body });
    t.w.document.addEventListener("click", (e: Event) => e.preventDefault()); // jsdom cannot navigate
    t.w.document.addEventListener("auxclick", (e: Event) => e.preventDefault());
    return t;
  };

  it("sends _outbound with target_url for links to another hostname", () => {
    const t = setup();
    t.click(t.w.document.getElementById("inner"));
    const out = t.sent.find((s) => s.body.event_type == "_outbound")!;
    expect(out.body.target_url).toBe("https://other.org/x");
    expect(out.via).toBe("beacon");
  });

  it("ignores same-host and non-http links, counts middle clicks, not right clicks", () => {
    const t = setup();
    t.click(t.w.document.getElementById("same"));
    t.click(t.w.document.getElementById("mail"));
    t.click(t.w.document.getElementById("out"), { type: "auxclick", button: 2 });
    expect(t.types()).toEqual(["pageview"]);
    t.click(t.w.document.getElementById("out"), { type: "auxclick", button: 1 });
    expect(t.types()).toEqual(["pageview", "_outbound"]);
  });

  it("does not prevent the navigation", () => {
    const t = load({ body });
    const ev = new t.w.MouseEvent("click", { bubbles: true, cancelable: true });
    t.w.document.getElementById("out").addEventListener("click", (e: Event) => {
      expect(e.defaultPrevented).toBe(false);
      e.preventDefault();
    });
    t.w.document.getElementById("out").dispatchEvent(ev);
    expect(t.types()).toContain("_outbound");
  });
});

describe("goals", () => {
  it("sends a goal from window.datasaas with lowercased name and stringified params", () => {
    const t = load();
    t.w.datasaas("SignUp", { plan: "pro", seats: 3 });
    expect(t.events().at(-1)).toMatchObject({
      event_type: "goal",
      name: "signup",
      metadata: { plan: "pro", seats: "3" },
      website_id: "mrf_test",
    });
  });

  it.each([
    ["a bad name", ["sign up"]],
    ["an empty name", [""]],
    ["a name over 64 chars", ["x".repeat(65)]],
    ["a non-string name", [42]],
    ["too many params", ["ok", Object.fromEntries(Array.from({ length: 11 }, (_, i) => ["k" + i, i]))]],
    ["a bad param key", ["ok", { "Bad Key": 1 }]],
    ["a value over 255 chars", ["ok", { long: "v".repeat(256) }]],
  ])("does not send a goal with %s, and does not throw", (_label, args) => {
    const t = load();
    expect(() => t.w.datasaas(...args)).not.toThrow();
    expect(t.types()).toEqual(["pageview"]);
  });

  it("accepts the limits: 64-char name with colon, 10 params, 255-char value", () => {
    const t = load();
    const params = Object.fromEntries(Array.from({ length: 10 }, (_, i) => ["k_" + i, "v".repeat(255)]));
    t.w.datasaas("checkout:" + "x".repeat(55), params);
    expect(t.events().at(-1).event_type).toBe("goal");
    expect(Object.keys(t.events().at(-1).metadata)).toHaveLength(10);
  });

  it("sends identify as the goal named identify, with the user's fields as metadata", () => {
    const t = load();
    t.w.datasaas("identify", { user_id: 42, name: "Ada Lovelace", email: "ada@example.com", plan: "pro" });
    expect(t.events().at(-1)).toMatchObject({
      event_type: "goal",
      name: "identify",
      metadata: { user_id: "42", name: "Ada Lovelace", email: "ada@example.com", plan: "pro" },
    });
  });

  it("sends an identify with user_id, name, email and 10 properties, but not with 11 properties", () => {
    const t = load();
    const props = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => ["p" + i, i]));
    t.w.datasaas("identify", { user_id: "42", name: "Ada", email: "ada@example.com", ...props(10) });
    expect(t.events().at(-1).name).toBe("identify");
    expect(Object.keys(t.events().at(-1).metadata)).toHaveLength(13);
    const sent = t.events().length;
    t.w.datasaas("identify", { user_id: "42", name: "Ada", email: "ada@example.com", ...props(11) });
    expect(t.events()).toHaveLength(sent);
    // the 3 extra fields are identify's alone: an ordinary goal keeps its 10
    t.w.datasaas("signup", props(11));
    expect(t.events()).toHaveLength(sent);
  });

  it("reports a click on an <a> without href as no outbound link", () => {
    const t = load();
    const a = t.w.document.createElement("a");
    a.textContent = "anchor";
    t.w.document.body.appendChild(a);
    a.click();
    expect(t.types()).toEqual(["pageview"]);
  });

  it("processes calls queued by the snippet before the script loaded, after the pageview", () => {
    const t = load({
      before: (w) => {
        w.eval("window.datasaas=window.datasaas||function(){(window.datasaas.q=window.datasaas.q||[]).push(arguments)}");
        w.datasaas("early", { from: "queue" });
        w.datasaas("BAD NAME");
        w.datasaas("second");
      },
    });
    expect(t.types()).toEqual(["pageview", "goal", "goal"]);
    expect(t.events()[1]).toMatchObject({ name: "early", metadata: { from: "queue" } });
    expect(t.events()[2].name).toBe("second");
    expect(t.w.datasaas.q).toBeUndefined(); // replaced by the real function
  });

  it("fires on click of an element (or its child) with data-datasaas-goal, with params", () => {
    const t = load({
      body: `<button data-datasaas-goal="Upgrade" data-datasaas-goal-plan="pro" data-datasaas-goal-billing-cycle="yearly" class="x"><b id="inner">Go</b></button>`,
    });
    t.click(t.w.document.getElementById("inner"));
    expect(t.events().at(-1)).toMatchObject({
      event_type: "goal",
      name: "upgrade",
      metadata: { plan: "pro", "billing-cycle": "yearly" },
    });
    expect(Object.keys(t.events().at(-1).metadata)).toHaveLength(2);
  });
});

describe("manners", () => {
  it.each(["http://localhost:3000/", "http://127.0.0.1/", "http://[::1]/"])("does not track on %s", (url) => {
    const t = load({ url });
    t.w.datasaas("signup");
    expect(t.sent).toEqual([]);
    expect(t.cookieWrites).toEqual([]);
  });

  it("tracks on localhost with data-allow-localhost", () => {
    const t = load({ url: "http://localhost:3000/", attrs: { "data-allow-localhost": "" } });
    expect(t.types()).toEqual(["pageview"]);
  });

  it("honours the opt-out localStorage.datasaas_ignore = 'true'", () => {
    const t = load({ before: (w) => w.localStorage.setItem("datasaas_ignore", "true") });
    t.w.datasaas("signup");
    expect(t.sent).toEqual([]);
    t.w.localStorage.removeItem("datasaas_ignore");
    t.w.datasaas("signup");
    expect(t.types()).toEqual(["goal"]);
  });

  it("with data-debug logs the payload instead of sending", () => {
    const logged: any[] = [];
    const t = load({ attrs: { "data-debug": "" }, before: (w) => (w.console.log = (x: any) => logged.push(x)) });
    expect(t.sent).toEqual([]);
    expect(logged[0]).toMatchObject({ event_type: "pageview", website_id: "mrf_test" });
    t.w.datasaas("bad name");
    expect(logged.at(-1)).toBe("bad name"); // the rejected goal is logged
  });

  it("never throws into the page when fetch throws or rejects", async () => {
    const errors: unknown[] = [];
    const t = load({
      before: (w) => {
        w.fetch = () => {
          throw new Error("boom");
        };
        w.addEventListener("error", (e: any) => errors.push(e.error));
      },
    });
    expect(() => t.w.datasaas("signup")).not.toThrow();
    expect(() => t.w.history.pushState({}, "", "/next")).not.toThrow();
    expect(t.w.location.pathname).toBe("/next");
    t.w.fetch = () => Promise.reject(new Error("offline"));
    expect(() => t.w.datasaas("signup")).not.toThrow();
    await wait(10);
    expect(errors).toEqual([]);
  });

  it("never throws when storage access throws", () => {
    const t = load({
      before: (w) =>
        Object.defineProperty(w, "localStorage", {
          configurable: true,
          get() {
            throw new Error("SecurityError");
          },
        }),
    });
    expect(() => t.w.datasaas("signup")).not.toThrow();
    expect(t.sent).toEqual([]);
  });

  it("leaves only window.datasaas as a global", () => {
    const fresh = load({ url: "http://localhost/" }); // no tracking, same globals
    const baseline = new Set(Object.keys(load({ url: "http://localhost/", src: "https://x/none.js" }).w));
    const added = Object.keys(fresh.w).filter((k) => !baseline.has(k) || k == "datasaas");
    expect(added).toEqual(["datasaas"]);
  });
});
