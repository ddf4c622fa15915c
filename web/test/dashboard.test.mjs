// End-to-end: the dashboard in Debian's headless Chromium (driven by playwright-core) against a
// real `headroom serve` with the manual clock and an admin token, while simulated functions
// invoked through the AWS SDK for JavaScript v3 hold the pool: long invocations stay running
// until the clock is advanced, so the page and GetMetricData / GetAccountSettings can be
// compared at one moment.
//
// The binary comes from HEADROOM_BIN (set by ctest) or build/headroom; the browser from
// CHROMIUM or /usr/bin/chromium. With DASHBOARD_SCREENSHOT=path the page under load is saved
// there (docs/dashboard.png is made this way).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import http from "node:http";

import {
  CloudWatchClient,
  GetMetricDataCommand,
  PutMetricAlarmCommand,
} from "@aws-sdk/client-cloudwatch";
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAccountSettingsCommand,
  InvokeCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
  PutProvisionedConcurrencyConfigCommand,
} from "@aws-sdk/client-lambda";
import { chromium } from "playwright-core";

import { ACCOUNT, Headroom, REGION, clientConfig, eventually, zip } from "../../tests/js/server.mjs";

const TOKEN = "dashboard-test-token";
const LIMIT = 100;
const HOLD_MS = 900_000;  // simulated duration (and Timeout): running until the clock moves 15 minutes
const POLL_WAIT_MS = 2_200;  // a little over the page's polling interval
const BROWSER = process.env.CHROMIUM || ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);

// The load: [name, environment, reserved, concurrent invocations held open]. image-resize's
// start only in the alarm's test: they take the pool from 66 % to 76 % claimed.
const FUNCTIONS = [
  ["orders-api", {}, null, 18],
  ["image-resize", {}, null, 0],
  ["nightly-report", {}, 40, 0],    // a large reservation it never uses
  ["fraud-check", {}, 2, 3],        // one of the three is throttled
  ["checkout", {}, null, 6],        // through alias live with PC 5: one spills over
  ["legacy-export", { HEADROOM_SIM_ERROR_RATE: "1", HEADROOM_SIM_DURATION_MS: "0" }, null, 0],
  ["search-api", { HEADROOM_SIM_DURATION_MS: "0" }, null, 0],
];
const ERRORS = 4;  // legacy-export's failed invocations
const QUICK = 30;  // search-api's, each done at once
const PC = 5;
const LATE = 10;  // image-resize's, in the alarm's test
// Allocated (RC 40 + RC 2 + PC 5) plus the unreserved busy: orders-api and checkout's spillover.
const CLAIMED = 47 + 18 + 1;

async function claimed() {
  const a = (await server.state()).accounts.find((x) => x.account === ACCOUNT && x.region === REGION);
  return a?.claimed;
}

let server, lambda, cloudwatch, browser, page, data;
const running = [];

async function invoke(name, qualifier) {
  return lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: qualifier, Payload: Buffer.from("{}") }));
}

// The page's text at `selector`, once `ok(text)` holds (polls the live page).
async function waitForText(selector, ok, what) {
  let last;
  try {
    await eventually(what, async () => {
      last = (await page.textContent(selector))?.trim();
      return ok(last);
    }, 10_000, 100);
  } catch (e) {
    assert.fail(`${what}: ${selector} shows ${JSON.stringify(last)}`);
  }
  return last;
}

// Advances the server's clock 10 s at a time until the page's alarm summary matches `pattern`.
async function untilAlarmShows(pattern, what) {
  for (let i = 0; i < 12; i++) {
    await server.advance(10);
    try {
      return await page.waitForFunction(
        (source) => new RegExp(source).test(document.getElementById("alarm-summary").textContent.trim()),
        pattern.source, { timeout: POLL_WAIT_MS });
    } catch { /* not yet: the next evaluation */ }
  }
  assert.fail(`${what}: the alarm shows ${await page.textContent("#alarm-summary")}`);
}

const number = (text) => Number(text.replace(/[^\d.-]/g, ""));

async function metric(queries, start = data.start, end = data.end) {
  const out = await cloudwatch.send(new GetMetricDataCommand({
    StartTime: new Date(start * 1000),
    EndTime: new Date(end * 1000),
    MetricDataQueries: queries,
    ScanBy: "TimestampAscending",
  }));
  return Object.fromEntries(out.MetricDataResults.map((r) => [r.Id, r.Values]));
}

const stat = (id, name, stat, period, dimensions = []) => ({
  Id: id,
  MetricStat: { Metric: { Namespace: "AWS/Lambda", MetricName: name, Dimensions: dimensions }, Period: period, Stat: stat },
});

before(async () => {
  assert.ok(BROWSER, "no Chromium: install Debian's chromium (scripts/install-deps) or set CHROMIUM");
  server = await Headroom.start(["--admin-token", TOKEN, "--account-limit", String(LIMIT), "--unreserved-min", "10"]);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 100 });
  lambda = new LambdaClient({ ...clientConfig(server.url), requestHandler: { httpAgent: agent } });
  cloudwatch = new CloudWatchClient(clientConfig(server.url));

  const code = zip([["README.txt", "a simulated function: headroom runs no code for it\n"]]);
  for (const [name, environment, reserved] of FUNCTIONS) {
    await lambda.send(new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "provided.al2023",
      Role: `arn:aws:iam::${ACCOUNT}:role/headroom-dashboard`,
      Handler: "headroom.simulated",
      Timeout: HOLD_MS / 1000,
      Code: { ZipFile: code },
      Environment: { Variables: { HEADROOM_SIM_DURATION_MS: String(HOLD_MS), ...environment } },
      Publish: name === "checkout",
    }));
    if (reserved !== null) {
      await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: reserved }));
    }
  }
  await lambda.send(new CreateAliasCommand({ FunctionName: "checkout", Name: "live", FunctionVersion: "1" }));
  await lambda.send(new PutProvisionedConcurrencyConfigCommand({
    FunctionName: "checkout", Qualifier: "live", ProvisionedConcurrentExecutions: PC,
  }));
  await server.advance(3);  // past the allocation delay: READY

  // A staircase of load over a minute of the server's clock, so the trend has a shape.
  const plan = FUNCTIONS.flatMap(([name, , , n]) => Array.from({ length: n }, () => name));
  for (let step = 0; step < 6; step++) {
    for (const name of plan.splice(0, Math.ceil(plan.length / (6 - step)))) {
      const p = invoke(name, name === "checkout" ? "live" : undefined);
      running.push(p.catch((e) => e));
    }
    await server.advance(10);
  }
  for (let i = 0; i < ERRORS; i++) await invoke("legacy-export");
  for (let i = 0; i < QUICK; i++) await invoke("search-api");
  // Every held invocation is admitted (or throttled) before anything is compared.
  await eventually("the load to be admitted", async () => (await claimed()) === CLAIMED);
  await server.advance(1);

  browser = await chromium.launch({ executablePath: BROWSER, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${server.url}/_headroom/dashboard?token=${TOKEN}`);
  const response = await fetch(`${server.url}/_headroom/dashboard/data`, { headers: { "x-headroom-admin-token": TOKEN } });
  assert.equal(response.status, 200);
  data = await response.json();
});

after(async () => {
  await browser?.close();
  lambda?.destroy();
  cloudwatch?.destroy();
  if (server) {
    const code = await server.stop();
    await Promise.all(running);
    assert.equal(code, 0, "headroom did not shut down cleanly on SIGTERM:\n" + server.output.join(""));
  }
});

test("the page and its data need the admin token; the page drops it from the address", async () => {
  const anonymous = await fetch(`${server.url}/_headroom/dashboard/data`);
  assert.equal(anonymous.status, 403);
  const html = await fetch(server.url + "/", { headers: { Accept: "text/html" } });
  assert.equal(html.status, 200);
  assert.match(await html.text(), /<title>headroom/);
  assert.ok(!page.url().includes(TOKEN), page.url());
});

test("the pool's numbers are GetAccountSettings' and GetMetricData's at that moment", async () => {
  const settings = await lambda.send(new GetAccountSettingsCommand({}));
  const claimedText = await waitForText("#claimed", (t) => t === String(CLAIMED), "the claimed concurrency");
  assert.equal(number(await page.textContent("#quota")), settings.AccountLimit.ConcurrentExecutions);
  assert.equal(number(await page.textContent("#unreserved")), settings.AccountLimit.UnreservedConcurrentExecutions);

  const now = await metric([
    stat("claimed", "ClaimedAccountConcurrency", "Maximum", 1),
    stat("ce", "ConcurrentExecutions", "Maximum", 1),
    { Id: "quota", Expression: "SERVICE_QUOTA(ce)" },
  ], data.end - 60, data.end);
  assert.equal(number(claimedText), now.claimed.at(-1));
  assert.equal(number(await page.textContent("#quota")), now.quota.at(-1));
  assert.equal(await page.textContent("#claimed-pct"), `${now.claimed.at(-1) / now.quota.at(-1) * 100} %`);
  assert.equal(number(await page.textContent("#available")), now.quota.at(-1) - now.claimed.at(-1));

  const totals = await metric([
    stat("throttles", "Throttles", "Sum", data.period),
    stat("errors", "Errors", "Sum", data.period),
    stat("invocations", "Invocations", "Sum", data.period),
  ]);
  const sum = (values) => values.reduce((a, b) => a + b, 0);
  assert.equal(number(await page.textContent("#throttles")), sum(totals.throttles));
  assert.equal(number(await page.textContent("#errors")), sum(totals.errors));
  assert.equal(number(await page.textContent("#invocations")), sum(totals.invocations));
  assert.equal(sum(totals.throttles), 1);
  assert.equal(sum(totals.errors), ERRORS);
  assert.equal(sum(totals.invocations), ERRORS + QUICK);

  // Each function's row, against the same statistics over the window.
  for (const [name] of FUNCTIONS) {
    const fn = [{ Name: "FunctionName", Value: name }];
    const m = await metric([
      stat("peak", "ConcurrentExecutions", "Maximum", data.window, fn),
      stat("invocations", "Invocations", "Sum", data.window, fn),
      stat("errors", "Errors", "Sum", data.window, fn),
      stat("throttles", "Throttles", "Sum", data.window, fn),
    ]);
    const row = await page.$eval(`#functions tr[data-function="${name}"]`, (tr) =>
      Object.fromEntries([...tr.children].map((c) => [c.dataset.column, c.firstChild.textContent.trim()])));
    assert.equal(number(row.peak), m.peak.length ? Math.max(...m.peak) : 0, `${name} peak`);
    assert.equal(number(row.invocations), sum(m.invocations), `${name} invocations`);
    assert.equal(number(row.errors), sum(m.errors), `${name} errors`);
    assert.equal(number(row.throttles), sum(m.throttles), `${name} throttles`);
  }
  assert.equal(await page.textContent('#functions tr[data-function="orders-api"] [data-column=peak]'), "18");
});

test("a large unused reservation stands out; the PC panel shows the spillover", async () => {
  const unused = await page.$$eval("#functions tbody tr.unused", (rows) => rows.map((r) => r.dataset.function));
  assert.deepEqual(unused, ["nightly-report"]);
  assert.match(await page.textContent('#functions tr[data-function="nightly-report"] .flag'), /40 reserved, unused/);

  const cells = await page.$$eval('#provisioned tr[data-resource="checkout:live"] td', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(cells.slice(0, 3), ["checkout:live", "READY", String(PC)]);
  const m = await metric([
    stat("u", "ProvisionedConcurrencyUtilization", "Maximum", data.window,
      [{ Name: "FunctionName", Value: "checkout" }, { Name: "Resource", Value: "checkout:live" }]),
    stat("s", "ProvisionedConcurrencySpilloverInvocations", "Sum", data.window,
      [{ Name: "FunctionName", Value: "checkout" }, { Name: "Resource", Value: "checkout:live" }]),
  ]);
  assert.equal(cells[3], `${Math.max(...m.u) * 100} %`);
  assert.equal(number(cells[5]), m.s.reduce((a, b) => a + b, 0));
  assert.equal(number(cells[5]), 1);
  assert.match(await page.textContent('#provisioned tr[data-advice="checkout:live"] .advice'), /^Increase: 1 spilled over/);
});

test("the table sorts by any column, by mouse and by keyboard", async () => {
  const order = () => page.$$eval("#functions tbody tr", (rows) => rows.map((r) => r.dataset.function));
  assert.deepEqual((await order()).slice(0, 2), ["orders-api", "checkout"]);  // peak, descending

  await page.click('#functions button[data-key="name"]');
  assert.deepEqual(await order(), FUNCTIONS.map(([n]) => n).sort());
  assert.equal(await page.getAttribute('#functions th:has(button[data-key="name"])', "aria-sort"), "ascending");
  await page.click('#functions button[data-key="name"]');
  assert.deepEqual(await order(), FUNCTIONS.map(([n]) => n).sort().reverse());

  await page.focus('#functions button[data-key="reserved"]');
  await page.keyboard.press("Enter");
  assert.deepEqual((await order()).slice(0, 2), ["nightly-report", "fraud-check"]);
  assert.equal(await page.getAttribute('#functions th:has(button[data-key="reserved"])', "aria-sort"), "descending");

  await page.click('#functions button[data-key="throttles"]');
  assert.equal((await order())[0], "fraud-check");
  // The order holds across live updates.
  await page.waitForTimeout(2_500);
  assert.equal((await order())[0], "fraud-check");
});

test("the quota control requests an increase and shows the open request", async () => {
  await page.fill("#desired", "500");
  await page.click("#request-quota");
  await waitForText("#quota-message", (t) => /^Requested 500: PENDING/.test(t), "the request's confirmation");
  const { body } = await server.admin("GET", "/_headroom/quota/requests");
  const requests = body.requests ?? body;
  const mine = requests.find((r) => (r.DesiredValue ?? r.desired) === 500);
  assert.ok(mine, JSON.stringify(body));
  const id = mine.Id ?? mine.id;
  await server.advance(2);  // PENDING -> CASE_OPENED after quota-case-delay
  await waitForText(`#requests tr[data-request="${id}"] .request-status`, (t) => t === "CASE_OPENED", "the request's status");
  assert.equal(await page.textContent(`#requests tr[data-request="${id}"] td.num`), "500");

  // A second open request for the quota is refused with Service Quotas' own error.
  await page.fill("#desired", "600");
  await page.click("#request-quota");
  await waitForText("#quota-message", (t) => t.startsWith("Not requested:"), "the refusal");
});

test("the alarm state changes on the page when the alarm fires", async () => {
  await cloudwatch.send(new PutMetricAlarmCommand({
    AlarmName: "account-concurrency-70-percent",
    ComparisonOperator: "GreaterThanThreshold",
    Threshold: 70,
    EvaluationPeriods: 1,
    Metrics: [
      { Id: "claimed", MetricStat: { Metric: { Namespace: "AWS/Lambda", MetricName: "ClaimedAccountConcurrency" }, Period: 60, Stat: "Maximum" }, ReturnData: false },
      { Id: "ce", MetricStat: { Metric: { Namespace: "AWS/Lambda", MetricName: "ConcurrentExecutions" }, Period: 60, Stat: "Maximum" }, ReturnData: false },
      { Id: "pct", Expression: "claimed / SERVICE_QUOTA(ce) * 100", Label: "Claimed %", ReturnData: true },
    ],
  }));
  // The evaluator runs on the server's clock (every 10 s for a new alarm): at 66 % claimed, OK.
  await untilAlarmShows(/^OK$/, "the alarm to be OK");
  for (let i = 0; i < LATE; i++) running.push(invoke("image-resize").catch((e) => e));
  await eventually("the late load to be admitted", async () => (await claimed()) === CLAIMED + LATE);
  await waitForText("#claimed", (t) => t === String(CLAIMED + LATE), "the claimed concurrency");
  // Once a whole minute at 76 % is behind it, the alarm fires.
  await untilAlarmShows(/^ALARM/, "the alarm to fire");
  assert.equal(await page.textContent('#alarm-list li[data-alarm="account-concurrency-70-percent"] .badge'), "ALARM");
  if (process.env.DASHBOARD_SCREENSHOT) {  // a fresh page: no messages from the tests before
    const shot = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await shot.goto(`${server.url}/_headroom/dashboard?token=${TOKEN}`);
    await shot.waitForFunction(() => /^ALARM/.test(document.getElementById("alarm-summary").textContent));
    await shot.waitForTimeout(500);
    await shot.screenshot({ path: process.env.DASHBOARD_SCREENSHOT, fullPage: true });
    await shot.close();
  }
});

test("the window and the account are chosen on the page", async () => {
  await page.check('input[name=window][value="3600"]');
  await waitForText("#trend-note", (t) => t.includes("maximum of each 60 s"), "the 1 h trend");
  assert.match(page.url(), /window=3600/);
  await page.check('input[name=window][value="86400"]');
  await waitForText("#trend-note", (t) => t.includes("maximum of each 300 s"), "the 24 h trend");
  assert.equal(await page.textContent("#totals-caption"), "in the last 24 hours");

  // Another account and Region, once it has called the server, is in the selector.
  const other = new LambdaClient({ ...clientConfig(server.url), region: "eu-west-1",
    credentials: { accessKeyId: "210987654321", secretAccessKey: "secret" } });
  const settings = await other.send(new GetAccountSettingsCommand({}));
  other.destroy();
  await page.waitForSelector('#account option[value="210987654321|eu-west-1"]', { state: "attached" });
  await page.selectOption("#account", "210987654321|eu-west-1");
  await waitForText("#functions tbody", (t) => t === "No functions in this account and Region.", "the other account");
  assert.equal(number(await page.textContent("#unreserved")), settings.AccountLimit.UnreservedConcurrentExecutions);
  assert.equal(await page.textContent("#claimed"), "0");
  await page.selectOption("#account", `${ACCOUNT}|${REGION}`);
  await page.check('input[name=window][value="900"]');
  await waitForText("#claimed", (t) => t === String(CLAIMED + LATE), "the first account again");
});

test("a narrow screen needs no sideways scrolling", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  const wide = await page.evaluate(() => [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest(".scroll"))
    .map((e) => e.id || e.className || e.tagName).slice(0, 5));
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen: ${wide}`);
  await page.setViewportSize({ width: 1280, height: 800 });
});
