// The cookieless variant (/js/script.cookieless.js): same tracker, built with
// COOKIELESS=true. It must never touch cookies or storage and never send ids.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cookielessFile, distFile, gzip } from "../build.mjs";
import { load } from "./harness";

const BUDGET = 1536; // the same 1.5 KB gzipped budget as the regular script

/** Loads the cookieless build, counting every cookie and storage access. */
function loadCookieless(opts: Parameters<typeof load>[0] = {}) {
  const touched: string[] = [];
  const t = load({
    ...opts,
    file: cookielessFile,
    before: (w) => {
      Object.defineProperty(w.document, "cookie", {
        configurable: true,
        get: () => (touched.push("cookie read"), ""),
        set: () => touched.push("cookie write"),
      });
      for (const name of ["localStorage", "sessionStorage", "indexedDB"]) {
        Object.defineProperty(w, name, { configurable: true, get: () => (touched.push(name), undefined) });
      }
      opts.before?.(w);
    },
  });
  return { ...t, touched };
}

describe("cookieless script", () => {
  it("sets no cookie, reads no storage and sends no ids, through a whole visit", () => {
    const t = loadCookieless({ referrer: "https://www.google.com/", body: '<a id="out" href="https://other.org/x">x</a>' });
    t.w.document.addEventListener("click", (e: Event) => e.preventDefault()); // jsdom cannot navigate
    t.w.history.pushState({}, "", "/next");
    t.w.datasaas("signup", { plan: "pro" });
    t.click(t.w.document.getElementById("out"));
    t.setHidden(true);
    expect(t.types()).toEqual(["pageview", "_leave", "pageview", "goal", "_outbound", "_leave"]);
    expect(t.touched).toEqual([]);
    for (const e of t.events()) {
      expect(e).not.toHaveProperty("visitor_id");
      expect(e).not.toHaveProperty("session_id");
      expect(e.website_id).toBe("mrf_test");
    }
  });

  it("sends the referrer with the first pageview of the page load only, and the landing UTM values throughout", () => {
    const t = loadCookieless({ referrer: "https://news.example.org/story" });
    t.w.history.pushState({}, "", "/b");
    const pageviews = t.events().filter((e) => e.event_type == "pageview");
    expect(pageviews[0].referrer).toBe("https://news.example.org/story");
    expect(pageviews[1]).not.toHaveProperty("referrer");
    expect(pageviews[1].utm_source).toBe("news");
    expect(pageviews[1].click_ids).toEqual({ gclid: "abc123" });
  });

  it("keeps the regular script's manners: no tracking on localhost, data-debug logs instead of sending", () => {
    expect(loadCookieless({ url: "http://localhost:3000/" }).sent).toEqual([]);
    expect(loadCookieless({ attrs: { "data-debug": "" } }).sent).toEqual([]);
  });

  it("fits the gzip budget, and contains no cookie or storage code at all", () => {
    const code = readFileSync(cookielessFile, "utf8");
    const size = gzip(Buffer.from(code)).length;
    console.log(`cookieless tracker gzipped size: ${size} bytes`);
    expect(size).toBeLessThanOrEqual(BUDGET);
    expect(code).not.toMatch(/cookie|localStorage|visitor_id|session_id/);
    // The regular script keeps them: the variants really differ.
    expect(readFileSync(distFile, "utf8")).toMatch(/datasaas_visitor_id/);
  });
});
