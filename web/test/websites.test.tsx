import { fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { Websites } from "../src/pages/Websites";
import { meta, mockApi, site } from "./helpers";

describe("websites list", () => {
  it("with no websites, says what to do next and offers the add form", async () => {
    mockApi((c) => (c.url.pathname === "/api/websites" ? { body: { websites: [] } } : undefined));
    render(<Websites />);
    expect(await screen.findByText("No websites yet")).toBeTruthy();
    expect(screen.getByText(/Add your first website/)).toBeTruthy();
    expect(screen.getByLabelText(/Domain/)).toBeTruthy();
  });

  it("adds a website and shows its snippet with a waiting indicator", async () => {
    let online = 0;
    const calls = mockApi((c) => {
      if (c.url.pathname === "/api/websites" && c.method === "GET") return { body: { websites: [] } };
      if (c.url.pathname === "/api/websites" && c.method === "POST") return { status: 201, body: site };
      if (c.url.pathname === "/api/realtime") return { body: { online } };
      return { body: { results: [], meta } };
    });
    render(<Websites />);
    fireEvent.input(await screen.findByLabelText(/Domain/), { target: { value: "https://example.com/" } });
    fireEvent.click(screen.getByRole("button", { name: "Add website" }));
    const snippet = await screen.findByTestId("snippet");
    expect(snippet.textContent).toBe(site.tracking_snippet);
    expect(calls.find((c) => c.method === "POST")?.body).toMatchObject({ domain: "example.com" });
    expect((await screen.findByRole("status")).textContent).toMatch(/Waiting for the first event/);
    online = 2;
  });

  it("shows 'receiving events' once visitors are online", async () => {
    mockApi((c) => {
      if (c.url.pathname === "/api/websites") return { body: { websites: [site] } };
      if (c.url.pathname === "/api/realtime") return { body: { online: 3 } };
      if (c.url.pathname === "/api/v1/overview") return { body: { results: { visitors: 42 }, meta } };
      if (c.url.pathname === "/api/v1/timeseries")
        return { body: { results: [{ date: "2026-11-26T00:00:00", visitors: 1 }], meta } };
      return undefined;
    });
    render(<Websites />);
    expect(await screen.findByText("Example")).toBeTruthy();
    await waitFor(() => expect(screen.getByText("42")).toBeTruthy());
    fireEvent.click(screen.getByRole("button", { name: "Tracking snippet" }));
    expect(screen.getByTestId("snippet").textContent).toContain('data-website-id="mrf_abc123"');
    await waitFor(() => expect(screen.getByRole("status").textContent).toMatch(/Receiving events: 3 visitors online now/));
  });

  it("renders a hostile site name as text, not HTML", async () => {
    mockApi((c) =>
      c.url.pathname === "/api/websites"
        ? { body: { websites: [{ ...site, name: "<img src=x onerror=alert(1)>" }] } }
        : { status: 500 },
    );
    const { container } = render(<Websites />);
    expect(await screen.findByText("<img src=x onerror=alert(1)>")).toBeTruthy();
    expect(container.querySelector("img")).toBeNull();
  });
});

describe("24-hour sparkline", () => {
  it("takes the 24 hours that end with the current hour in the site's time zone", async () => {
    const { last24Hours } = await import("../src/pages/Websites");
    const values = Array.from({ length: 48 }, (_, i) => i); // 0..23 yesterday, 24..47 today
    const now = new Date("2026-03-15T10:30:00Z");
    expect(last24Hours(values, "UTC", now)).toEqual(Array.from({ length: 24 }, (_, i) => i + 11)); // yesterday 11:00 .. today 10:00
    expect(last24Hours(values, "Asia/Tokyo", now)[23]).toBe(24 + 19); // 19:00 in Tokyo
    expect(last24Hours([1, 2, 3], "UTC", now)).toEqual([1, 2, 3]);
  });
});
