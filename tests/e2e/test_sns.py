"""The minimal SNS (query protocol, both stacks): topics, subscriptions and delivery to http,
https and lambda subscribers, and its errors as boto3 reports them."""
import json

import botocore.exceptions
import pytest

from cloudwatch_helpers import HttpSubscriber, aws, create_recorder, error_of, lines, sns_log, wait_value


def test_topics_and_subscriptions(sns, subscriber, account):
    arn = sns.create_topic(Name="team")["TopicArn"]
    assert arn == "arn:aws:sns:us-east-1:%s:team" % account
    assert sns.create_topic(Name="team")["TopicArn"] == arn  # idempotent
    assert [t["TopicArn"] for t in sns.list_topics()["Topics"]] == [arn]
    sub = sns.subscribe(TopicArn=arn, Protocol="http", Endpoint=subscriber.url)["SubscriptionArn"]
    assert sub.startswith(arn + ":")
    listed = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
    assert listed == [{"SubscriptionArn": sub, "Owner": account, "Protocol": "http",
                       "Endpoint": subscriber.url, "TopicArn": arn}]
    sns.unsubscribe(SubscriptionArn=sub)
    assert sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"] == []
    sns.delete_topic(TopicArn=arn)
    assert sns.list_topics()["Topics"] == []


def test_errors(sns):
    missing = "arn:aws:sns:us-east-1:000000000000:nope"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.publish(TopicArn=missing, Message="x")
    assert error_of(e) == ("NotFound", "Topic does not exist", 404)
    arn = sns.create_topic(Name="errors")["TopicArn"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.subscribe(TopicArn=arn, Protocol="carrier-pigeon", Endpoint="x")
    assert error_of(e)[0] == "InvalidParameter"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.create_topic(Name="bad name!")
    assert error_of(e) == ("InvalidParameter", "Invalid parameter: Topic Name", 400)


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https"])
def test_publish_reaches_http_and_https_subscribers(headroom, sns, tls):
    subscriber = HttpSubscriber(tls=tls)
    try:
        arn = sns.create_topic(Name="web")["TopicArn"]
        sns.subscribe(TopicArn=arn, Protocol="https" if tls else "http", Endpoint=subscriber.url)
        message_id = sns.publish(TopicArn=arn, Message="deploy done", Subject="ci")["MessageId"]
        wait_value(lambda: len(subscriber.notifications()), 1, what="notifications")
        [n] = subscriber.notifications()
        assert (n["Type"], n["MessageId"], n["TopicArn"], n["Subject"], n["Message"]) == (
            "Notification", message_id, arn, "ci", "deploy done")
        post = subscriber.posts[0]
        assert post["headers"]["x-amz-sns-message-type"] == "Notification"
        assert post["headers"]["x-amz-sns-topic-arn"] == arn
        wait_value(lambda: sns_log(headroom, arn)[0]["Deliveries"][0]["Status"], "delivered (200)",
                   what="the delivery's status")
    finally:
        subscriber.close()


def test_publish_invokes_a_lambda_subscriber(headroom, sns, account, scratch):
    out = scratch + "/events.jsonl"
    fn = create_recorder(aws(headroom, "lambda", account), out)
    arn = sns.create_topic(Name="to-lambda")["TopicArn"]
    fn_arn = "arn:aws:lambda:us-east-1:%s:function:%s" % (account, fn)
    sub = sns.subscribe(TopicArn=arn, Protocol="lambda", Endpoint=fn_arn)["SubscriptionArn"]
    message_id = sns.publish(TopicArn=arn, Message=json.dumps({"k": 1}))["MessageId"]
    wait_value(lambda: len(lines(out)), 1, timeout=30, what="the function's events")
    [record] = lines(out)[0]["event"]["Records"]
    assert (record["EventSource"], record["EventSubscriptionArn"]) == ("aws:sns", sub)
    assert (record["Sns"]["MessageId"], record["Sns"]["TopicArn"], json.loads(record["Sns"]["Message"])) == (
        message_id, arn, {"k": 1})
