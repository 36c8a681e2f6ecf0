import { fireEvent, render, screen } from "@testing-library/preact";
import { mockApi } from "./helpers";
import { describe, expect, it } from "vitest";
import { FilterChips } from "../src/dashboard/Filters";
import { addFilter, parseFilters, withFilters } from "../src/dashboard/urlState";

describe("filter chips and the URL", () => {
  it("parses bracket parameters into filters, grouping repeated values", () => {
    const q = new URLSearchParams("period=7d&country[is]=US&country[is]=DE&pathname[contains]=/blog&bogus[nope]=1");
    expect(parseFilters(q)).toEqual([
      { dimension: "country", op: "is", values: ["US", "DE"] },
      { dimension: "pathname", op: "contains", values: ["/blog"] },
    ]);
  });

  it("writes filters back without touching other parameters", () => {
    const q = new URLSearchParams("period=7d&country[is]=US");
    const next = withFilters(q, addFilter(parseFilters(q), { dimension: "browser", op: "is_not", values: ["Safari"] }));
    expect(next.get("period")).toBe("7d");
    expect(next.getAll("country[is]")).toEqual(["US"]);
    expect(next.getAll("browser[is_not]")).toEqual(["Safari"]);
  });

  it("shows one chip per filter in the URL, and removing a chip removes it from the URL", () => {
    history.replaceState(null, "", "/sites/s1?period=7d&country[is]=US&browser[is_not]=Safari");
    render(<FilterChips />);
    expect(screen.getByText("Country is United States")).toBeTruthy();
    expect(screen.getByText("Browser is not Safari")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Remove filter: Country is United States" }));
    const q = new URLSearchParams(location.search);
    expect(q.has("country[is]")).toBe(false);
    expect(q.get("browser[is_not]")).toBe("Safari");
    expect(q.get("period")).toBe("7d");
    expect(screen.queryByText("Country is United States")).toBeNull();
  });

  it("shows a funnel step filter as the step reached, removable like the others", () => {
    history.replaceState(null, "", "/sites/s1?period=7d&funnel_step[is]=fun_1:2&country[is]=US");
    render(<FilterChips />);
    expect(screen.getByText("Reached step 2 of funnel fun_1")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Remove filter: Reached step 2 of funnel fun_1" }));
    const q = new URLSearchParams(location.search);
    expect(q.has("funnel_step[is]")).toBe(false);
    expect(q.get("country[is]")).toBe("US");
  });

  it("names the funnel of a funnel step filter once the site's funnels are loaded", async () => {
    mockApi((c) =>
      c.url.pathname === "/api/websites/s1/funnels"
        ? {
            body: {
              funnels: [
                {
                  id: "fun_1",
                  website_id: "s1",
                  name: "Signup <flow>",
                  steps: [],
                  created_at: "2026-11-01T10:00:00Z",
                  updated_at: "2026-11-01T10:00:00Z",
                },
              ],
            },
          }
        : undefined,
    );
    history.replaceState(null, "", "/sites/s1?period=7d&funnel_step[is]=fun_1:2");
    render(<FilterChips siteId="s1" />);
    expect(await screen.findByText('Reached step 2 of funnel "Signup <flow>"')).toBeTruthy();
  });

  it("shows nothing without filters", () => {
    history.replaceState(null, "", "/sites/s1?period=7d");
    const { container } = render(<FilterChips />);
    expect(container.innerHTML).toBe("");
  });
});
