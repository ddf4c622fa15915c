// End-to-end: a real `headroom serve` driven by the AWS SDK for JavaScript v3 (the CloudWatch
// client speaks JSON 1.0 with awsQueryCompatible, the Lambda client rest-json).
//
// The binary comes from HEADROOM_BIN (set by ctest) or build/headroom. The server runs with the
// manual clock: time moves only by POST /_headroom/clock/advance, and the server's once-a-second
// sampling of the account's gauges follows that clock.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  InvalidParameterValueException,
  PutMetricAlarmCommand,
} from "@aws-sdk/client-cloudwatch";
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  InvokeCommand,
  LambdaClient,
} from "@aws-sdk/client-lambda";

import { ACCOUNT, Headroom, REGION, clientConfig, eventually, sleep, zip } from "./server.mjs";

// ---------------------------------------------------------------------------------------------
// The user story: how close is the account to its concurrency quota?

const FUNCTION = "js-sdk-simulated";
const ALARM = "claimed-account-concurrency-70-percent";

const stat = (id, metricName, returnData) => ({
  Id: id,
  MetricStat: {
    Metric: { Namespace: "AWS/Lambda", MetricName: metricName },
    Period: 60,
    Stat: "Maximum",
  },
  ReturnData: returnData,
});

const QUERIES = [
  stat("m1", "ConcurrentExecutions", false),
  { Id: "e1", Expression: "SERVICE_QUOTA(m1)", Label: "Concurrency quota", ReturnData: true },
  stat("m2", "ClaimedAccountConcurrency", true),
  { Id: "e2", Expression: "(m2/e1)*100", Label: "Claimed percent of quota", ReturnData: true },
  { Id: "e5", Expression: "e1 - m2", Label: "Available concurrency", ReturnData: true },
];

let server;
let lambda;
let cloudwatch;
let lastCloudWatchRequest;

before(async () => {
  server = await Headroom.start();
  lambda = new LambdaClient(clientConfig(server.url));
  cloudwatch = new CloudWatchClient(clientConfig(server.url));
  // Remembers the last CloudWatch request as sent, to check the protocol the SDK chose.
  cloudwatch.middlewareStack.add((next) => async (args) => {
    lastCloudWatchRequest = { headers: { ...args.request.headers }, body: args.request.body };
    return next(args);
  }, { step: "finalizeRequest", name: "headroomRecordRequest", priority: "low" });
});

after(async () => {
  lambda?.destroy();
  cloudwatch?.destroy();
  if (server) {
    const code = await server.stop();
    assert.equal(code, 0, "headroom did not shut down cleanly on SIGTERM:\n" + server.output.join(""));
  }
});

test("one running event invocation shows in the quota metrics", async (t) => {
  const created = await lambda.send(new CreateFunctionCommand({
    FunctionName: FUNCTION,
    Runtime: "provided.al2023",
    Handler: "headroom.simulated",
    Role: `arn:aws:iam::${ACCOUNT}:role/headroom-e2e`,
    Code: { ZipFile: zip([["README.txt", "a simulated function: headroom runs no code for it\n"]]) },
    Environment: { Variables: { HEADROOM_SIM_DURATION_MS: "60000" } },
  }));
  assert.equal(created.$metadata.httpStatusCode, 201);
  assert.equal(created.FunctionArn, `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FUNCTION}`);
  assert.equal(created.Runtime, "provided.al2023");
  assert.equal(created.Handler, "headroom.simulated");

  const invoked = await lambda.send(new InvokeCommand({
    FunctionName: FUNCTION,
    InvocationType: "Event",
    Payload: new TextEncoder().encode(JSON.stringify({ from: "js-sdk" })),
  }));
  assert.equal(invoked.StatusCode, 202);
  assert.equal(invoked.$metadata.httpStatusCode, 202);

  // The event runs as soon as the queue takes it: one unreserved execution, 60 s long.
  const account = await eventually("the event to start running", async () => {
    const state = await server.state();
    const a = state.accounts.find((x) => x.account === ACCOUNT && x.region === REGION);
    return a && a.claimed === 1 ? a : null;
  });
  assert.equal(account.limit, 1000);
  assert.equal(account.unreserved_busy, 1);

  // One second of the server's clock: the sampler records the gauges once (it reschedules
  // itself a second ahead of the clock, so a small step is one sample).
  await server.advance(1);
  await sleep(1_500);

  const now = await server.now();
  const request = {
    MetricDataQueries: QUERIES,
    StartTime: new Date(now.getTime() - 10 * 60_000),
    EndTime: new Date(now.getTime() + 60_000),
  };
  const values = await eventually("the sample to show in GetMetricData", async () => {
    const response = await cloudwatch.send(new GetMetricDataCommand(request));
    const byId = Object.fromEntries(response.MetricDataResults.map((r) => [r.Id, r]));
    const ready = ["e1", "m2", "e2", "e5"].every((id) => byId[id]?.Values?.length > 0);
    return ready ? { response, byId } : null;
  }, 5_000, 250);
  const { response, byId } = values;
  t.diagnostic("GetMetricData: " + JSON.stringify(response.MetricDataResults));

  assert.equal(response.$metadata.httpStatusCode, 200);
  // This SDK speaks JSON 1.0 to CloudWatch (the service is awsQueryCompatible).
  assert.equal(lastCloudWatchRequest.headers["content-type"], "application/x-amz-json-1.0");
  assert.equal(lastCloudWatchRequest.headers["x-amz-target"], "GraniteServiceVersion20100801.GetMetricData");
  assert.equal(lastCloudWatchRequest.headers["x-amzn-query-mode"], "true");
  assert.deepEqual(response.MetricDataResults.map((r) => r.Id).sort(), ["e1", "e2", "e5", "m2"],
                   "m1 has ReturnData false and is not returned");
  for (const r of response.MetricDataResults) {
    assert.equal(r.StatusCode, "Complete", r.Id);
    assert.equal(r.Values.length, r.Timestamps.length, r.Id);
    assert.ok(r.Timestamps.every((ts) => ts instanceof Date), r.Id + " timestamps are Dates");
  }
  assert.equal(byId.e1.Label, "Concurrency quota");
  assert.equal(byId.e1.Values[0], 1000);
  assert.equal(byId.m2.Values[0], 1);
  assert.ok(Math.abs(byId.e2.Values[0] - 0.1) < 1e-9, `e2 = ${byId.e2.Values[0]}`);
  assert.equal(byId.e5.Values[0], 999);
  // The newest datapoint is in the minute of the sample.
  const minute = Math.floor(now.getTime() / 60_000) * 60_000;
  assert.ok(byId.m2.Timestamps[0].getTime() <= minute && byId.m2.Timestamps[0].getTime() > minute - 120_000,
            `m2 timestamp ${byId.m2.Timestamps[0].toISOString()} vs server now ${now.toISOString()}`);
});

test("a metric-math alarm at 70% of the quota starts INSUFFICIENT_DATA", async () => {
  const put = await cloudwatch.send(new PutMetricAlarmCommand({
    AlarmName: ALARM,
    AlarmDescription: "ClaimedAccountConcurrency above 70% of the account's concurrency quota",
    ComparisonOperator: "GreaterThanThreshold",
    Threshold: 70,
    EvaluationPeriods: 1,
    DatapointsToAlarm: 1,
    TreatMissingData: "missing",
    Metrics: [
      stat("m1", "ConcurrentExecutions", false),
      { Id: "e1", Expression: "SERVICE_QUOTA(m1)", ReturnData: false },
      stat("m2", "ClaimedAccountConcurrency", false),
      { Id: "e2", Expression: "(m2/e1)*100", Label: "Claimed percent of quota", ReturnData: true },
    ],
  }));
  assert.equal(put.$metadata.httpStatusCode, 200);

  const described = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [ALARM] }));
  assert.equal(described.MetricAlarms.length, 1);
  const alarm = described.MetricAlarms[0];
  assert.equal(alarm.AlarmName, ALARM);
  assert.equal(alarm.AlarmArn, `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${ALARM}`);
  assert.equal(alarm.StateValue, "INSUFFICIENT_DATA");
  assert.equal(alarm.Threshold, 70);
  assert.equal(alarm.ComparisonOperator, "GreaterThanThreshold");
  assert.equal(alarm.EvaluationPeriods, 1);
  assert.deepEqual(alarm.Metrics.map((m) => m.Id), ["m1", "e1", "m2", "e2"]);
  assert.equal(alarm.Metrics[3].Expression, "(m2/e1)*100");
  assert.equal(alarm.Metrics[0].MetricStat.Metric.MetricName, "ConcurrentExecutions");
  assert.equal(alarm.Metrics[0].MetricStat.Period, 60);
  assert.ok(alarm.StateUpdatedTimestamp instanceof Date);
});

test("a bad Period is InvalidParameterValue, as AWS reports it through the JS SDK", async (t) => {
  const error = await cloudwatch.send(new GetMetricDataCommand({
    MetricDataQueries: [{
      Id: "m1",
      MetricStat: { Metric: { Namespace: "AWS/Lambda", MetricName: "ConcurrentExecutions" }, Period: 7, Stat: "Maximum" },
    }],
    StartTime: new Date(Date.now() - 3_600_000),
    EndTime: new Date(Date.now()),
  })).then(() => null, (e) => e);
  assert.ok(error, "GetMetricData with Period 7 succeeded");
  t.diagnostic(`SDK error: name=${error.name} Code=${error.Code} Type=${error.Type} ` +
               `httpStatusCode=${error.$metadata?.httpStatusCode} $fault=${error.$fault} message=${error.message}`);
  // JSON 1.0 with awsQueryCompatible: the x-amzn-query-error header (InvalidParameterValue;Sender)
  // gives Code and Type; the modeled exception class gives the name.
  assert.ok(error instanceof InvalidParameterValueException, `not an InvalidParameterValueException: ${error.name}: ${error.message}`);
  assert.equal(error.name, "InvalidParameterValueException");
  assert.equal(error.Code, "InvalidParameterValue");
  assert.equal(error.Type, "Sender");
  assert.equal(error.Error?.Code, "InvalidParameterValue");
  assert.equal(error.$fault, "client");
  assert.equal(error.$metadata.httpStatusCode, 400);
  assert.equal(error.$response?.headers?.["x-amzn-query-error"], "InvalidParameterValue;Sender");
  assert.ok(error.$metadata.requestId, "a request id");
  assert.match(error.message, /Period/);
});

// ---------------------------------------------------------------------------------------------
// Strict SigV4: the SDK's own signatures verify; a wrong secret is refused as AWS refuses it.

test("with --auth strict, the JS SDK's signed requests pass and a wrong secret is refused", async () => {
  const keysDir = mkdtempSync(path.join(tmpdir(), "headroom-e2e-js-keys-"));
  const keys = path.join(keysDir, "credentials.yaml");
  writeFileSync(keys, 'AKIAJSSDKSTRICT00001:\n  secret_access_key: "js-secret"\n  account_id: "555555555555"\n');
  const strict = await Headroom.start(["--auth", "strict", "--credentials", keys]);
  const config = (secretAccessKey) => ({
    ...clientConfig(strict.url),
    credentials: { accessKeyId: "AKIAJSSDKSTRICT00001", secretAccessKey },
  });
  const good = new LambdaClient(config("js-secret"));
  const wrong = new LambdaClient(config("not-the-secret"));
  const goodCw = new CloudWatchClient(config("js-secret"));
  const wrongCw = new CloudWatchClient(config("not-the-secret"));
  try {
    const created = await good.send(new CreateFunctionCommand({
      FunctionName: "js-strict",
      Runtime: "provided.al2023",
      Handler: "headroom.simulated",
      Role: "arn:aws:iam::555555555555:role/headroom-e2e",
      Code: { ZipFile: zip([["README.txt", "simulated\n"]]) },
    }));
    assert.equal(created.FunctionArn, `arn:aws:lambda:${REGION}:555555555555:function:js-strict`);
    // A full ARN in the path: the SDK double-encodes it for the signature, as the server does.
    const got = await good.send(new GetFunctionCommand({ FunctionName: created.FunctionArn }));
    assert.equal(got.Configuration.FunctionName, "js-strict");
    const alarms = await goodCw.send(new DescribeAlarmsCommand({}));
    assert.equal(alarms.$metadata.httpStatusCode, 200);

    const refused = await wrong.send(new GetFunctionCommand({ FunctionName: "js-strict" })).then(() => null, (e) => e);
    assert.ok(refused, "a wrong secret was accepted");
    assert.equal(refused.name, "InvalidSignatureException");
    assert.equal(refused.$metadata.httpStatusCode, 403);
    assert.match(refused.message, /^The request signature we calculated does not match the signature you provided\./);
    const refusedCw = await wrongCw.send(new DescribeAlarmsCommand({})).then(() => null, (e) => e);
    assert.ok(refusedCw, "a wrong secret was accepted by CloudWatch");
    assert.equal(refusedCw.$metadata.httpStatusCode, 400);
    assert.equal(refusedCw.$response?.headers?.["x-amzn-query-error"], "SignatureDoesNotMatch;Sender");
  } finally {
    for (const c of [good, wrong, goodCw, wrongCw]) c.destroy();
    assert.equal(await strict.stop(), 0);
    rmSync(keysDir, { recursive: true, force: true });
  }
});
