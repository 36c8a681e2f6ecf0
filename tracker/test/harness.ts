// Loads the built tracker into a fresh jsdom window, with fetch and sendBeacon
// recorded instead of sent.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";
import { distFile } from "../build.mjs";

export type Sent = { via: "fetch" | "beacon"; url: string; body: any; init?: any };

export interface Options {
  url?: string;
  referrer?: string;
  attrs?: Record<string, string>;
  body?: string;
  src?: string;
  /** runs before the script, e.g. to install the queue snippet or break fetch */
  before?: (w: any) => void;
  beacon?: boolean;
  /** the built file to load; default dist/script.js */
  file?: string;
}

export function load(opts: Options = {}) {
  const code = readFileSync(opts.file ?? distFile, "utf8");
  const dom = new JSDOM(`<!doctype html><html><head><title>Test page</title></head><body>${opts.body ?? ""}</body></html>`, {
    url: opts.url ?? "https://example.com/pricing?utm_source=news&utm_medium=email&gclid=abc123",
    referrer: opts.referrer,
    runScripts: "outside-only",
    pretendToBeVisual: true,
  });
  const w = dom.window as any;
  const sent: Sent[] = [];
  const cookieWrites: string[] = [];
  const proto = Object.getOwnPropertyDescriptor(w.Document.prototype, "cookie")!;
  Object.defineProperty(w.document, "cookie", {
    configurable: true,
    get() {
      return proto.get!.call(this);
    },
    set(v: string) {
      cookieWrites.push(v);
      proto.set!.call(this, v);
    },
  });
  w.fetch = (url: unknown, init: any) => {
    sent.push({ via: "fetch", url: String(url), body: JSON.parse(init.body), init });
    return Promise.resolve({ ok: true, status: 202 });
  };
  Object.defineProperty(w.navigator, "sendBeacon", {
    configurable: true,
    value: (url: unknown, body: string) => {
      sent.push({ via: "beacon", url: String(url), body: JSON.parse(body) });
      return opts.beacon ?? true;
    },
  });
  const script = w.document.createElement("script");
  script.src = opts.src ?? "https://stats.example.net/js/script.js";
  const attrs = { "data-website-id": "mrf_test", "data-domain": "example.com", ...opts.attrs };
  for (const [k, v] of Object.entries(attrs)) script.setAttribute(k, v);
  w.document.head.appendChild(script);
  // outside-only scripts are not run by jsdom, so point currentScript at the tag ourselves
  Object.defineProperty(w.document, "currentScript", { configurable: true, get: () => script });
  opts.before?.(w);
  w.eval(code);
  return {
    w,
    dom,
    sent,
    cookieWrites,
    events: () => sent.map((s) => s.body),
    types: () => sent.map((s) => s.body.event_type),
    setHidden(hidden: boolean) {
      Object.defineProperty(w.document, "hidden", { configurable: true, get: () => hidden });
      Object.defineProperty(w.document, "visibilityState", { configurable: true, get: () => (hidden ? "hidden" : "visible") });
      w.document.dispatchEvent(new w.Event("visibilitychange", { bubbles: true }));
    },
    click(el: any, init: Record<string, unknown> = {}) {
      el.dispatchEvent(new w.MouseEvent(init.type === "auxclick" ? "auxclick" : "click", { bubbles: true, cancelable: true, ...init }));
    },
  };
}
