// headroom's dashboard: polls GET /_headroom/dashboard/data every POLL_MS and draws one
// account's pool, functions, provisioned configs, alarms and quota requests; the quota form
// posts RequestServiceQuotaIncrease's input to /_headroom/dashboard/quota. When the server
// has an admin token, the page takes it from ?token= (then drops it from the address) or
// from the form it shows on a 403, and sends it as x-headroom-admin-token.
import uPlot from "uplot";

const POLL_MS = 2000;
// The page's own address: the server serves it at / only without a query string.
const PAGE = "/_headroom/dashboard";
const TOKEN_HEADER = "x-headroom-admin-token";
const QUOTA_CODE = "L-B99A9384";
const ALARM_LINE = 70;

const $ = (id) => document.getElementById(id);
const fmt = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const fmtPct = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });
const num = (v) => (v === null || v === undefined ? "–" : fmt.format(v));

const params = new URLSearchParams(location.search);
const state = {
  token: params.get("token") || sessionStorage.getItem("headroom-token") || "",
  account: params.get("account") || "",
  region: params.get("region") || "",
  window: ["900", "3600", "86400"].includes(params.get("window")) ? params.get("window") : "900",
  sort: { key: "peak", dir: -1 },
  data: null,
  timer: null,
  chart: null,
};
if (params.has("token")) {
  sessionStorage.setItem("headroom-token", state.token);
  params.delete("token");
  history.replaceState(null, "", PAGE + (params.size ? "?" + params : ""));
}

function headers(extra = {}) {
  return state.token ? { ...extra, [TOKEN_HEADER]: state.token } : extra;
}

function accountQuery() {
  const q = new URLSearchParams();
  if (state.account) q.set("account", state.account);
  if (state.region) q.set("region", state.region);
  return q;
}

function rememberView() {
  const q = accountQuery();
  if (state.window !== "900") q.set("window", state.window);
  history.replaceState(null, "", PAGE + (q.size ? "?" + q : ""));
}

// ---- polling --------------------------------------------------------------------------------

async function refresh() {
  clearTimeout(state.timer);
  const q = accountQuery();
  q.set("window", state.window);
  try {
    const response = await fetch("/_headroom/dashboard/data?" + q, { headers: headers(), cache: "no-store" });
    if (response.status === 403) {
      $("token-form").hidden = false;
      setStatus("The admin token is needed (or was wrong).", true);
      return;  // polling resumes when a token is given
    }
    const body = await response.json();
    if (!response.ok) throw new Error(body.message || response.statusText);
    $("token-form").hidden = true;
    state.data = body;
    render(body);
    setStatus(`Live · server time ${new Date(body.now * 1000).toISOString().slice(11, 19)} UTC`);
  } catch (e) {
    setStatus(`Not updated: ${e.message}`, true);
  }
  state.timer = setTimeout(refresh, POLL_MS);
}

// The header's line; a problem is also announced to screen readers (the routine "Live" line
// every 2 s is not).
function setStatus(text, bad = false) {
  const s = $("status");
  s.textContent = text;
  s.classList.toggle("bad", bad);
  if (bad) announce(text);
}

function announce(text) {
  if ($("announce").textContent !== text) $("announce").textContent = text;
}

// ---- rendering ------------------------------------------------------------------------------

function render(d) {
  state.account = d.account;
  state.region = d.region;
  renderAccounts(d);
  renderAlarms(d.alarms);
  renderPool(d);
  renderTotals(d);
  renderTrend(d);
  renderTop(d);
  renderFunctions(d);
  renderProvisioned(d.provisioned);
  renderQuota(d);
}

function renderAccounts(d) {
  const select = $("account");
  const wanted = `${d.account}|${d.region}`;
  const options = d.accounts.length ? d.accounts : [{ account: d.account, region: d.region }];
  const keys = options.map((a) => `${a.account}|${a.region}`);
  if (select.dataset.keys !== keys.join(",")) {
    select.replaceChildren(...options.map((a) => new Option(`${a.account} · ${a.region}`, `${a.account}|${a.region}`)));
    select.dataset.keys = keys.join(",");
  }
  select.value = wanted;
}

const STATE_ORDER = { ALARM: 0, INSUFFICIENT_DATA: 1, OK: 2 };

function renderAlarms(alarms) {
  const summary = $("alarm-summary");
  const list = $("alarm-list");
  if (!alarms.length) {
    summary.textContent = "No alarms";
    summary.dataset.state = "NONE";
    list.replaceChildren();
    return;
  }
  const sorted = [...alarms].sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.name.localeCompare(b.name));
  const worst = sorted[0].state;
  const inAlarm = alarms.filter((a) => a.state === "ALARM").length;
  summary.textContent = worst === "ALARM" ? `ALARM (${inAlarm} of ${alarms.length})` : worst;
  if (summary.dataset.state && summary.dataset.state !== worst) announce(`Alarm state: ${summary.textContent}`);
  summary.dataset.state = worst;
  list.replaceChildren(...sorted.map((a) => {
    const li = document.createElement("li");
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.dataset.state = a.state;
    badge.textContent = a.state === "INSUFFICIENT_DATA" ? "INSUFFICIENT" : a.state;
    const name = document.createElement("span");
    name.className = "alarm-name";
    name.textContent = a.name;
    li.title = a.reason;
    li.dataset.alarm = a.name;
    li.append(badge, name);
    return li;
  }));
}

function level(pct) {
  return pct >= 90 ? "critical" : pct >= ALARM_LINE ? "warning" : "ok";
}

function renderPool(d) {
  const quota = d.current.quota ?? d.settings.limit;
  const claimed = d.current.claimed ?? 0;
  const pct = quota > 0 ? (100 * claimed) / quota : 0;
  $("claimed").textContent = num(claimed);
  $("quota").textContent = num(quota);
  $("claimed-pct").textContent = `${fmtPct.format(pct)} %`;
  const gauge = $("gauge");
  gauge.setAttribute("aria-valuenow", pct.toFixed(1));
  gauge.setAttribute("aria-valuetext", `${fmtPct.format(pct)} % claimed: ${num(claimed)} of ${num(quota)}`);
  gauge.dataset.level = level(pct);
  const fill = $("gauge-fill");
  fill.setAttribute("stroke-dasharray", `${Math.min(pct, 100)} 100`);
  fill.style.visibility = pct > 0 ? "visible" : "hidden";  // a round cap would draw a dot at 0
  // The 70 % mark on the arc.
  const angle = Math.PI * (1 - ALARM_LINE / 100);
  const mark = $("gauge-mark");
  mark.setAttribute("x1", 60 + 42 * Math.cos(angle));
  mark.setAttribute("y1", 62 - 42 * Math.sin(angle));
  mark.setAttribute("x2", 60 + 58 * Math.cos(angle));
  mark.setAttribute("y2", 62 - 58 * Math.sin(angle));

  const allocated = d.settings.allocated;
  const busy = d.current.unreserved_busy ?? 0;
  $("allocated").textContent = num(allocated);
  $("unreserved-busy").textContent = num(busy);
  $("available").textContent = num(Math.max(0, quota - claimed));
  $("unreserved").textContent = num(d.settings.unreserved);
  const share = (v) => (quota > 0 ? `${Math.min(100, (100 * v) / quota)}%` : "0%");
  $("seg-allocated").style.width = share(allocated);
  $("seg-busy").style.width = share(busy);
  $("poolbar").setAttribute("aria-label",
    `Allocated ${num(allocated)}, unreserved busy ${num(busy)}, available ${num(Math.max(0, quota - claimed))} of ${num(quota)}`);
}

function windowName(seconds) {
  return { 900: "15 minutes", 3600: "hour", 86400: "24 hours" }[seconds] || `${seconds} s`;
}

function renderTotals(d) {
  $("throttles").textContent = num(d.totals.throttles);
  $("errors").textContent = num(d.totals.errors);
  $("invocations").textContent = num(d.totals.invocations);
  $("throttles").classList.toggle("alert", d.totals.throttles > 0);
  $("errors").classList.toggle("alert", d.totals.errors > 0);
  $("totals-caption").textContent = `in the last ${windowName(d.window)}`;
}

function trendData(d) {
  // One point per period from start to end, so that the chart always spans the window.
  const xs = [];
  for (let t = d.start; t < d.end; t += d.period) xs.push(t - (t % d.period));
  const byTime = new Map(d.trend.utilisation.t.map((t, i) => [t, d.trend.utilisation.v[i]]));
  const ys = xs.map((t) => (byTime.has(t) ? byTime.get(t) : null));
  return [xs, ys, xs.map(() => ALARM_LINE)];
}

function chartSize() {
  const box = $("trend");
  return { width: Math.max(260, box.clientWidth), height: Math.max(180, Math.min(260, box.clientWidth * 0.4)) };
}

function renderTrend(d) {
  const data = trendData(d);
  const max = Math.max(100, ...data[1].filter((v) => v !== null));
  if (!state.chart) {
    const css = getComputedStyle(document.documentElement);
    const line = css.getPropertyValue("--accent").trim() || "#2563eb";
    const warn = css.getPropertyValue("--warning").trim() || "#b45309";
    const axis = { stroke: css.getPropertyValue("--muted").trim() || "#555", grid: { stroke: "rgba(127,127,127,0.15)" } };
    state.chart = new uPlot({
      ...chartSize(),
      legend: { show: true },
      cursor: { y: false },
      scales: { x: { time: true }, y: { range: () => [0, state.yMax] } },
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),  // UTC, as the header's time
      axes: [axis, { ...axis, size: 56, values: (u, ticks) => ticks.map((t) => `${t} %`) }],
      series: [
        { value: (u, t) => (t == null ? "–" : new Date(t * 1000).toISOString().slice(11, 19)) },
        { label: "Utilisation", stroke: line, width: 2, fill: "rgba(37,99,235,0.12)", spanGaps: false,
          value: (u, v) => (v == null ? "–" : `${fmtPct.format(v)} %`) },
        { label: "70 % line", stroke: warn, width: 1.5, dash: [6, 4], points: { show: false },
          value: () => "70 %" },
      ],
    }, data, $("trend"));
  }
  state.yMax = Math.ceil(max / 10) * 10;
  state.chart.setData(data);
  $("trend-note").textContent =
    `ClaimedAccountConcurrency / SERVICE_QUOTA(ConcurrentExecutions), the maximum of each ${d.period} s; dashed: the 70 % line.`;
}

function renderTop(d) {
  const top = [...d.functions].filter((f) => f.peak > 0).sort((a, b) => b.peak - a.peak).slice(0, 5);
  const list = $("top");
  if (!top.length) {
    const li = document.createElement("li");
    li.className = "empty";
    li.textContent = "Nothing ran in the window.";
    list.replaceChildren(li);
    return;
  }
  const quota = d.settings.limit || 1;
  list.replaceChildren(...top.map((f) => {
    const li = document.createElement("li");
    const name = document.createElement("span");
    name.className = "consumer-name";
    name.textContent = f.name;
    const value = document.createElement("span");
    value.className = "consumer-value";
    value.textContent = `${num(f.peak)} · ${fmtPct.format((100 * f.peak) / quota)} %`;
    const bar = document.createElement("span");
    bar.className = "consumer-bar";
    bar.style.width = `${Math.min(100, (100 * f.peak) / top[0].peak)}%`;
    li.append(name, value, bar);
    return li;
  }));
}

// A reservation is "large and unused" when at least 5 % of the quota (and 10) of it sat idle
// at the function's peak, and the peak used less than half of it.
function unusedReservation(f, quota) {
  if (f.reserved === null) return 0;
  const idle = f.reserved - f.peak;
  return idle >= Math.max(10, quota * 0.05) && f.peak < f.reserved / 2 ? idle : 0;
}

const COLUMNS = ["name", "reserved", "provisioned", "peak", "invocations", "errors", "throttles"];

function compare(a, b, key) {
  const x = a[key], y = b[key];
  if (key === "name") return x.localeCompare(y);
  return (x ?? -1) - (y ?? -1) || a.name.localeCompare(b.name);
}

function renderFunctions(d) {
  const { key, dir } = state.sort;
  const rows = [...d.functions].sort((a, b) => dir * compare(a, b, key));
  const quota = d.settings.limit;
  document.querySelectorAll("#functions thead th").forEach((th) => {
    const k = th.querySelector("button").dataset.key;
    th.setAttribute("aria-sort", k === key ? (dir > 0 ? "ascending" : "descending") : "none");
  });
  const tbody = document.querySelector("#functions tbody");
  if (!rows.length) {
    emptyTable(tbody, COLUMNS.length, "No functions in this account and Region.");
    return;
  }
  tbody.replaceChildren(...rows.map((f) => {
    const tr = document.createElement("tr");
    tr.dataset.function = f.name;
    const idle = unusedReservation(f, quota);
    for (const c of COLUMNS) {
      const cell = document.createElement(c === "name" ? "th" : "td");
      if (c === "name") {
        cell.scope = "row";
        cell.textContent = f.name;
        if (idle) {
          const flag = document.createElement("span");
          flag.className = "flag";
          flag.textContent = `${num(idle)} reserved, unused`;
          cell.append(" ", flag);
        }
      } else {
        cell.className = "num";
        cell.textContent = c === "reserved" && f.reserved === null ? "–" : num(f[c]);
        if ((c === "throttles" || c === "errors") && f[c] > 0) cell.classList.add("alert");
      }
      cell.dataset.column = c;
      tr.append(cell);
    }
    if (idle) tr.classList.add("unused");
    return tr;
  }));
}

// One row across the table's `columns` saying there is nothing to show.
function emptyTable(tbody, columns, text) {
  const tr = document.createElement("tr");
  const td = document.createElement("td");
  td.colSpan = columns;
  td.className = "empty";
  td.textContent = text;
  tr.append(td);
  tbody.replaceChildren(tr);
}

function advice(p) {
  if (p.status === "IN_PROGRESS") return ["wait", "Allocating: READY once every environment has initialised."];
  if (p.status === "FAILED") return ["fix", "Allocation failed: fix the function's init, then put the config again."];
  const u = p.utilisation === null ? 0 : 100 * p.utilisation;
  if (p.spillover > 0) return ["increase", `Increase: ${num(p.spillover)} spilled over to on-demand.`];
  if (u >= 90) return ["increase", "Increase: it runs near full and will spill over soon."];
  if (u < 30) return ["reclaim", `Reclaim: peak utilisation ${fmtPct.format(u)} %; lower it or remove the config.`];
  return ["keep", "Right-sized."];
}

function renderProvisioned(list) {
  const tbody = document.querySelector("#provisioned tbody");
  if (!list.length) {
    emptyTable(tbody, 6, "No provisioned concurrency in this account and Region.");
    return;
  }
  tbody.replaceChildren(...list.flatMap((p) => {
    const tr = document.createElement("tr");
    tr.dataset.resource = `${p.function}:${p.qualifier}`;
    const cells = [
      [`${p.function}:${p.qualifier}`, ""],
      [p.status, ""],
      [num(p.allocated), "num"],
      [p.utilisation === null ? "–" : `${fmtPct.format(100 * p.utilisation)} %`, "num"],
      [num(p.invocations), "num"],
      [num(p.spillover), "num"],
    ];
    for (const [value, cls] of cells) {
      const td = document.createElement("td");
      td.textContent = value;
      td.className = cls;
      tr.append(td);
    }
    // The advice goes on a row of its own under the config's figures.
    const [kind, text] = advice(p);
    const note = document.createElement("tr");
    note.className = "advice-row";
    note.dataset.advice = tr.dataset.resource;
    const td = document.createElement("td");
    td.colSpan = cells.length;
    td.className = `advice ${kind}`;
    td.textContent = text;
    note.append(td);
    return [tr, note];
  }));
}

function renderQuota(d) {
  $("quota-value").textContent = num(d.quota.value);
  const desired = $("desired");
  if (!desired.value && document.activeElement !== desired) desired.placeholder = String(d.quota.value * 2);
  const tbody = document.querySelector("#requests tbody");
  const requests = [...d.requests].sort((a, b) => b.Created - a.Created);
  if (!requests.length) {
    emptyTable(tbody, 4, "No requests yet.");
    return;
  }
  tbody.replaceChildren(...requests.map((r) => {
    const tr = document.createElement("tr");
    tr.dataset.request = r.Id;
    for (const [value, cls] of [
      [r.Id.slice(0, 12), "id"],
      [num(r.DesiredValue), "num"],
      [r.Status, `request-status ${r.Status.toLowerCase()}`],
      [new Date(r.Created * 1000).toISOString().slice(11, 19), "created"],
    ]) {
      const td = document.createElement("td");
      td.textContent = value;
      td.className = cls;
      if (cls === "id") td.title = r.Id;
      if (cls === "created") td.title = new Date(r.Created * 1000).toISOString();
      tr.append(td);
    }
    return tr;
  }));
}

// ---- controls -------------------------------------------------------------------------------

async function requestQuota(event) {
  event.preventDefault();
  const message = $("quota-message");
  const value = Number($("desired").value);
  message.classList.remove("bad");
  message.textContent = "Requesting…";
  try {
    const response = await fetch("/_headroom/dashboard/quota?" + accountQuery(), {
      method: "POST",
      headers: headers({ "Content-Type": "application/x-amz-json-1.1" }),
      body: JSON.stringify({ ServiceCode: "lambda", QuotaCode: QUOTA_CODE, DesiredValue: value }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.Message || body.message || response.statusText);
    message.textContent = `Requested ${num(value)}: ${body.RequestedQuota.Status} (${body.RequestedQuota.Id}).`;
    $("desired").value = "";
    refresh();
  } catch (e) {
    message.classList.add("bad");
    message.textContent = `Not requested: ${e.message}`;
  }
}

function init() {
  $("account").addEventListener("change", (e) => {
    [state.account, state.region] = e.target.value.split("|");
    rememberView();
    refresh();
  });
  document.querySelectorAll("input[name=window]").forEach((input) => {
    input.checked = input.value === state.window;
    input.addEventListener("change", () => {
      state.window = input.value;
      rememberView();
      refresh();
    });
  });
  document.querySelectorAll("#functions thead button").forEach((button) => {
    button.addEventListener("click", () => {
      const key = button.dataset.key;
      state.sort = state.sort.key === key ? { key, dir: -state.sort.dir } : { key, dir: key === "name" ? 1 : -1 };
      if (state.data) renderFunctions(state.data);
    });
  });
  $("quota-form").addEventListener("submit", requestQuota);
  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    state.token = $("token").value;
    sessionStorage.setItem("headroom-token", state.token);
    refresh();
  });
  new ResizeObserver(() => state.chart && state.chart.setSize(chartSize())).observe($("trend"));
  refresh();
}

init();
