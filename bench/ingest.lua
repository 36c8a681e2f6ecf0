-- wrk script: POST /api/events as many distinct visitors from many client addresses.
-- The app must trust loopback as a proxy (DATASAAS_TRUSTED_PROXIES=127.0.0.1/32) so X-Forwarded-For is used;
-- each request gets a random public-looking address, so the per-address rate limit does not bite and GeoIP
-- lookups are real.
local site = os.getenv("SITE_ID")
local pages = {"/", "/pricing", "/blog", "/blog/how-we-count", "/docs", "/docs/api", "/signup", "/about"}
local agents = {
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  math.randomseed(os.time() + id * 7919)
  n = 0
end

request = function()
  n = n + 1
  local visitor = "v" .. id .. "-" .. math.random(1, 50000)
  local body = '{"website_id":"' .. site .. '","visitor_id":"' .. visitor .. '","session_id":"s' .. visitor ..
      '","url":"https://example.com' .. pages[math.random(#pages)] .. '?utm_source=newsletter",' ..
      '"referrer":"https://www.google.com/","screen_width":1440,"language":"en-US","title":"Example"}'
  local ip = math.random(1, 223) .. "." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
  return wrk.format("POST", "/api/events", {
    ["Content-Type"] = "text/plain",
    ["User-Agent"] = agents[math.random(#agents)],
    ["X-Forwarded-For"] = ip,
  }, body)
end

done = function(summary, latency, requests)
  local statuses = summary.errors
  io.write(string.format("requests: %d, non-2xx: %d, socket errors: connect %d read %d write %d timeout %d\n",
    summary.requests, statuses.status, statuses.connect, statuses.read, statuses.write, statuses.timeout))
  io.write(string.format("throughput: %.0f events/s\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("latency p50 %.2f ms, p99 %.2f ms\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
