import { describe, expect, it } from "vitest";
import { ApiError, apiKeys, filterParams, goals, toOverview, websites } from "../src/api";
import { meta, mockApi } from "./helpers";

describe("api.ts", () => {
  it("sends the XSRF-TOKEN cookie as X-XSRF-TOKEN on every mutation, read fresh each time", async () => {
    const calls = mockApi((c) =>
      c.method === "DELETE" ? { status: 204 } : { status: 201, body: { id: "mrf_1", domain: "a.com" } },
    );
    document.cookie = "XSRF-TOKEN=first-token; path=/";
    await websites.create({ domain: "a.com" });
    document.cookie = "XSRF-TOKEN=rotated-token; path=/";
    await apiKeys.revoke("key_1");
    await goals.create("mrf_1", { name: "signup", displayName: "Sign-ups", goalType: "custom" });
    expect(calls.map((c) => [c.method, c.headers["X-XSRF-TOKEN"]])).toEqual([
      ["POST", "first-token"],
      ["DELETE", "rotated-token"],
      ["POST", "rotated-token"],
    ]);
    expect(calls[0].body).toEqual({ domain: "a.com" });
    expect(calls[2].body).toEqual({ name: "signup", display_name: "Sign-ups", goal_type: "custom" });
  });

  it("does not send the CSRF header on reads", async () => {
    const calls = mockApi(() => ({ body: { websites: [] } }));
    document.cookie = "XSRF-TOKEN=t; path=/";
    await websites.list();
    expect(calls[0].headers["X-XSRF-TOKEN"]).toBeUndefined();
  });

  it("turns the server's error body into an ApiError with its message", async () => {
    mockApi(() => ({ status: 409, body: { error: { code: 409, message: "A goal named signup already exists." } } }));
    const err = await goals.create("s", { name: "signup", displayName: "x", goalType: "custom" }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(409);
    expect(err.message).toBe("A goal named signup already exists.");
  });

  it("writes filters as bracket parameters, one per value", () => {
    const p = filterParams([
      { dimension: "country", op: "is", values: ["US", "DE"] },
      { dimension: "pathname", op: "contains", values: ["/blog"] },
    ]);
    expect(p.toString()).toBe("country%5Bis%5D=US&country%5Bis%5D=DE&pathname%5Bcontains%5D=%2Fblog");
  });

  it("reads the overview in the server's shape: previous beside results", () => {
    expect(toOverview({ results: { visitors: 4, bounce_rate: 40 }, previous: { visitors: 2 }, meta })).toMatchObject({
      current: { visitors: 4, bounce_rate: 40 },
      previous: { visitors: 2 },
    });
    expect(toOverview({ results: { visitors: 2 }, meta }).previous).toBeNull();
  });
});
