/*
 * DataSaaS browser tracker, served at /js/script.js.
 *
 * Written for its compressed size (budget: 1.5 KB gzipped, checked by the size
 * test) and to never throw into the host page: every entry point (init, event
 * listeners, the public `window.datasaas` function, the history wrappers) runs
 * inside try/catch and only logs under `data-debug`. The only global it leaves
 * is `window.datasaas`. User-facing documentation: docs/tracker.md.
 */
type Params = Record<string, unknown>;
/**
 * Set by the build: true for /js/script.cookieless.js, which sets no cookie, reads no storage and sends no ids (the
 * server derives the visitor from a daily salted hash, docs/cookieless.md). Every branch on it is removed from the
 * other variant, so the regular script is byte for byte what it is without this flag.
 */
declare const COOKIELESS: boolean;
type Fn = (...args: any[]) => unknown;

((w: Window & { datasaas?: any }, d: Document, loc: Location) => {
  let debug: unknown;
  const log = (a: unknown) => debug && console.log(a);
  /** Wraps a function so that nothing it throws reaches the page. */
  const guard =
    (fn: Fn) =>
    (...a: any[]) => {
      try {
        fn(...a);
      } catch (e) {
        log(e);
      }
    };
  // every listener is on window, capturing: document events (click, visibilitychange) bubble up to it
  const on = (type: string, fn: Fn) => w.addEventListener(type, guard(fn), true);

  guard(() => {
    const script = d.currentScript as HTMLScriptElement;
    const opt = script.dataset;
    debug = "debug" in opt;
    const hashMode = "hash" in opt;
    // data-api-url is the full events endpoint URL; default: /api/events on the
    // origin the script was loaded from (so it works cross-origin).
    const endpoint = opt.apiUrl || new URL("/api/events", script.src);
    const host = loc.hostname;
    // Cookie domain: data-domain, or an entry of data-allowed-hostnames, when the
    // page is on it or a subdomain of it; otherwise a host-only cookie.
    const cookieDomain =
      !COOKIELESS &&
      (opt.domain + "," + opt.allowedHostnames)
      .split(/[\s,]+/)
      .find((h) => ("." + host).endsWith("." + h));
    const cookieAttrs =
      ";path=/;SameSite=Lax" + (cookieDomain ? ";domain=" + cookieDomain : "") + (loc.protocol == "https:" ? ";Secure" : "");
    // file: pages have an empty hostname, matched by the last alternative; the dots are not escaped, to save bytes
    // (no real hostname differs from 127.0.0.1 only where the dots are)
    const local = !("allowLocalhost" in opt) && /^(localhost|127.0.0.1|\[::1]|)$/.test(host);

    const now = () => Date.now();
    // the last cookie() call created its cookie; cookieless: no pageview sent yet by this page
    let fresh: unknown = COOKIELESS || undefined;
    /** Reads an id cookie, or creates it; (re)sets it with the given lifetime. */
    const cookie = (name: string, maxAge: number) => {
      const value = d.cookie.match(name + "=([^;]+)")?.[1];
      const id =
        value ||
        crypto.randomUUID?.() ||
        // fallback (randomUUID needs https): browsers name blob URLs with a random UUID v4
        URL.createObjectURL(new Blob()).slice(-36);
      fresh = !value;
      d.cookie = name + "=" + id + ";max-age=" + maxAge + cookieAttrs;
      return id;
    };

    // UTM parameters and click ids of the landing URL; later SPA pageviews keep them.
    const query = new URLSearchParams(loc.search);
    const landing: Params = {};
    const clickIds: Params = (landing.click_ids = {});
    "gclid fbclid msclkid ttclid li_fat_id twclid utm_source utm_medium utm_campaign utm_term utm_content"
      .split(" ")
      .map((k, i) => query.get(k) && ((i > 5 ? landing : clickIds)[k] = query.get(k)));

    let page: Params | undefined; // url (also the dedup key), hostname, pathname of the current page view
    let engaged = 0; // visible milliseconds of this page view, before `since`
    let since = 0; // when the page last became visible; 0 while hidden
    let scroll = 0; // max scroll depth of this page view, percent

    const send = guard((type: string, extra?: Params, beacon?: unknown) => {
      if (local || (!COOKIELESS && localStorage.datasaas_ignore == "true")) return log(type);
      const payload = {
        website_id: opt.websiteId,
        ...(!COOKIELESS && {
          visitor_id: cookie("datasaas_visitor_id", 31536e3), // 1 year after the last event
          session_id: cookie("datasaas_session_id", 1800), // 30 minutes of inactivity; sets `fresh`
        }),
        event_type: type,
        ...page,
        // only on the first pageview of a session
        ...((fresh && type == "pageview" && { referrer: d.referrer }) as {}),
        title: d.title,
        screen_width: screen.width,
        language: navigator.language,
        ...landing,
        ...extra,
      };
      if (debug) return log(payload);
      const body = JSON.stringify(payload);
      // A string body is sent as text/plain, which avoids a CORS preflight;
      // sendBeacon survives the page going away. No `?.` on it: every browser that parses this script (ES2020) has it.
      (beacon && navigator.sendBeacon(endpoint, body)) ||
        fetch(endpoint, { method: "POST", body, keepalive: true }).catch(log);
    });

    const trackScroll = () => {
      // percent of the document above the bottom of the viewport; |0 floors it and turns NaN into 0
      scroll = Math.min(100, Math.max(scroll, (((scrollY + innerHeight) * 100) / d.documentElement.scrollHeight) | 0));
    };
    // A _leave ends a visible period: sent when the page is hidden, unloaded
    // (which hides it) or left by SPA navigation, and only if it was visible
    // since the last one. Each carries the total engaged time of the page view so
    // far, so a later _leave of the same page view supersedes an earlier one.
    const leave = () => {
      if (since) {
        engaged += now() - since;
        since = 0;
        trackScroll();
        send("_leave", { duration: engaged, scroll_depth: scroll }, 1);
      }
    };
    // Not wrapped in guard(): it only reads location and calls leave()/send(),
    // and send() is guarded, so the history wrappers below cannot throw from here.
    const pageview = () => {
      const key = hashMode ? loc.href : loc.href.split("#")[0];
      if (key != page?.url) {
        if (page) leave(); // for the previous page of a SPA
        page = { url: key, hostname: host, pathname: loc.pathname + (hashMode ? loc.hash : "") };
        engaged = scroll = 0;
        since = d.hidden ? 0 : now();
        send("pageview");
        if (COOKIELESS) fresh = 0; // the referrer goes with the first pageview of the page load only
      }
    };

    // datasaas("identify", {user_id, name, email, ...}) is this same call: a goal with the reserved name
    // "identify", which the server turns into a visitor profile (docs/visitors.md). No code of its own, so the
    // script stays within its budget; its fields obey the goal limits, except that an identify may have 13 (user_id,
    // name and email on top of 10 properties; the server checks which is which).
    const goal = (name: unknown, params: Params = {}) => {
      // an invalid goal throws; guard() swallows it (and logs it under data-debug)
      name = (name as string).toLowerCase(); // a name that is not a string throws: invalid
      const metadata: Params = {};
      if (!/^[a-z\d_:-]{1,64}$/.test(name as string) || Object.keys(params)[((name == "identify" && 3) as number) + 10]) throw name; // more than 10 params (13 for identify)
      for (const k in params) if (!/^[a-z\d_-]{1,64}$/.test(k) || (metadata[k] = "" + params[k])[255]) throw k; // longer than 255
      send("goal", { name, metadata });
    };

    const onClick = (e: MouseEvent) => {
      if (e.button > 1) return; // left and middle clicks only (a right click fires auxclick too)
      const target = e.target as Element;
      // any <a>: one without href has an empty host, so it is skipped like a non-link
      const link = target.closest("a") as HTMLAnchorElement | null;
      if (link?.host && link.hostname != host) send("_outbound", { target_url: link.href }, 1);
      const el = target.closest("[data-datasaas-goal]");
      if (el) {
        const params: Params = {};
        // data-datasaas-goal-<key>="value"; the prefix is 19 characters long
        for (const { name, value } of el.attributes) name.indexOf("data-datasaas-goal-") || (params[name.slice(19)] = value);
        goal((el as HTMLElement).dataset.datasaasGoal, params);
      }
    };

    // SPA navigation
    const h = history as any;
    for (const m of ["pushState", "replaceState"]) {
      const original = h[m];
      h[m] = (...a: unknown[]) => {
        original.apply(h, a);
        pageview();
      };
    }
    // Every fragment navigation fires popstate (before hashchange), so data-hash
    // needs no hashchange listener of its own.
    on("popstate", pageview);

    on("visibilitychange", () => {
      d.hidden ? leave() : (since = now());
    });
    on("scroll", trackScroll);
    on("click", onClick);
    on("auxclick", onClick);

    const api = guard(goal);
    pageview();
    w.datasaas?.q?.map((args: unknown[]) => api(...args)); // calls queued by the snippet before we loaded
    w.datasaas = api;
    setInterval(() => !d.hidden && send("_heartbeat"), +opt.heartbeatInterval! || 3e4); // test-only override, ms
  })();
})(window, document, location);
