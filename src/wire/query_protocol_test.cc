#include "wire/query_protocol.h"

#include <gtest/gtest.h>

namespace hr::wire {
namespace {

TEST(QueryProtocolTest, ReadsListsOfStructuresNumbersAndTimestamps) {
  auto request = DecodeQueryRequest(
      CloudWatchModel(),
      "Action=GetMetricData&Version=2010-08-01&StartTime=2026-12-01T21%3A00%3A00Z&EndTime=1796162400"
      "&MetricDataQueries.member.1.Id=m1&MetricDataQueries.member.1.ReturnData=false"
      "&MetricDataQueries.member.1.MetricStat.Metric.Namespace=AWS%2FLambda"
      "&MetricDataQueries.member.1.MetricStat.Metric.MetricName=ConcurrentExecutions"
      "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name=FunctionName"
      "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value=a+b"
      "&MetricDataQueries.member.1.MetricStat.Period=60&MetricDataQueries.member.1.MetricStat.Stat=Maximum"
      "&MetricDataQueries.member.2.Id=e1&MetricDataQueries.member.2.Expression=SERVICE_QUOTA%28m1%29");
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(request->action, "GetMetricData");
  EXPECT_EQ(request->version, "2010-08-01");
  const boost::json::object& in = request->input;
  EXPECT_EQ(in.at("StartTime").as_double(), 1796158800.0);
  EXPECT_EQ(in.at("EndTime").as_double(), 1796162400.0);
  const boost::json::array& queries = in.at("MetricDataQueries").as_array();
  ASSERT_EQ(queries.size(), 2u);
  EXPECT_EQ(queries[0].at("ReturnData").as_bool(), false);
  EXPECT_EQ(queries[0].at("MetricStat").at("Period").as_int64(), 60);
  EXPECT_EQ(queries[0].at("MetricStat").at("Metric").at("Dimensions").at(0).at("Value").as_string(), "a b");
  EXPECT_EQ(queries[1].at("Expression").as_string(), "SERVICE_QUOTA(m1)");
}

// Found while writing the fuzz targets: a timestamp a Timestamp cannot hold (a far year, or
// epoch seconds such as 1e300) was undefined behaviour downstream; it is an invalid value.
TEST(QueryProtocolTest, RefusesTimestampsOutOfRange) {
  for (const char* far : {"9999-12-31T00%3A00%3A00Z", "1e300", "inf", "nan"}) {
    auto request = DecodeQueryRequest(
        CloudWatchModel(), std::string("Action=GetMetricData&Version=2010-08-01&StartTime=") + far);
    ASSERT_FALSE(request.ok()) << far;
    EXPECT_EQ(request.status().code(), ErrorCode::kInvalidParameter) << far;
    EXPECT_NE(request.status().message().find("for parameter StartTime."), std::string::npos)
        << request.status().message();
  }
}

TEST(QueryProtocolTest, ReadsMapsAndEmptyLists) {
  auto request = DecodeQueryRequest(
      SnsModel(), "Action=CreateTopic&Name=t&Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=Team"
                  "&Tags=");
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(request->input.at("Attributes").at("DisplayName").as_string(), "Team");
  EXPECT_TRUE(request->input.at("Tags").as_array().empty());
}

TEST(QueryProtocolTest, RejectsBadScalarsAndUnknownActions) {
  auto bad = DecodeQueryRequest(CloudWatchModel(), "Action=PutMetricAlarm&Period=sixty");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidParameter);
  EXPECT_NE(bad.status().message().find("Period"), std::string::npos);
  EXPECT_EQ(DecodeQueryRequest(CloudWatchModel(), "Action=Nope&Version=2010-08-01").status().code(),
            ErrorCode::kNotFound);
  EXPECT_TRUE(DecodeQueryRequest(CloudWatchModel(), "").value().action.empty());
}

TEST(QueryProtocolTest, WritesResultsAsXml) {
  const Operation* op = CloudWatchModel().FindOperation("GetMetricData");
  ASSERT_NE(op, nullptr);
  boost::json::object out = {
      {"MetricDataResults",
       boost::json::array{boost::json::object{{"Id", "e2"},
                                              {"Label", "% <Claimed>"},
                                              {"Timestamps", boost::json::array{1796158800.0}},
                                              {"Values", boost::json::array{0.1}},
                                              {"StatusCode", "Complete"}}}}};
  EXPECT_EQ(EncodeQueryResponse(CloudWatchModel(), *op, out, "rid"),
            "<GetMetricDataResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\">"
            "<GetMetricDataResult><MetricDataResults><member><Id>e2</Id><Label>% &lt;Claimed&gt;</Label>"
            "<Timestamps><member>2026-12-01T21:00:00.000Z</member></Timestamps>"
            "<Values><member>0.1</member></Values><StatusCode>Complete</StatusCode></member>"
            "</MetricDataResults></GetMetricDataResult>"
            "<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></GetMetricDataResponse>");
  const Operation* put = CloudWatchModel().FindOperation("PutMetricAlarm");
  EXPECT_EQ(EncodeQueryResponse(CloudWatchModel(), *put, {}, "r"),
            "<PutMetricAlarmResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\">"
            "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PutMetricAlarmResponse>");
}

TEST(QueryProtocolTest, ErrorsCarryTheModelsCodeAndFault) {
  const RpcError e = ResolveError(CloudWatchModel(), "InvalidParameterValueException");
  EXPECT_EQ(e.code, "InvalidParameterValue");
  EXPECT_EQ(e.status, 400u);
  EXPECT_EQ(QueryErrorHeader(e), "InvalidParameterValue;Sender");
  EXPECT_EQ(EncodeJsonError(e, "bad"), R"({"__type":"InvalidParameterValueException","message":"bad"})");
  EXPECT_EQ(EncodeQueryError(CloudWatchModel(), e, "bad & worse", "r"),
            "<ErrorResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\"><Error><Type>Sender"
            "</Type><Code>InvalidParameterValue</Code><Message>bad &amp; worse</Message></Error>"
            "<RequestId>r</RequestId></ErrorResponse>");
  const RpcError v = ResolveError(CloudWatchModel(), "ValidationError");
  EXPECT_EQ(v.code, "ValidationError");
  EXPECT_EQ(ResolveError(CloudWatchModel(), "ResourceNotFound").status, 404u);
  EXPECT_EQ(ResolveError(CloudWatchModel(), "InternalFailure").status, 500u);
}

}  // namespace
}  // namespace hr::wire
