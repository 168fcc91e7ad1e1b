"""The stand-in's Web API: auth, messages, DMs, ephemerals, files and response URLs, as Slack
answers."""

from __future__ import annotations

import warnings

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from tests.slack_standin import BOT_USER_ID, SlackStandin
from tests.standin_steps import PARTNER, REVIEW, section

# slack_sdk honours HTTP(S)_PROXY and ignores NO_PROXY: loopback must stay loopback.
pytestmark = pytest.mark.usefixtures("no_proxy")


def test_auth_and_unknown_methods_answer_as_slack_does(
    slack: SlackStandin, client: WebClient
) -> None:
    assert client.auth_test()["user_id"] == BOT_USER_ID
    with pytest.raises(SlackApiError) as wrong:
        WebClient(base_url=slack.url, token="xoxb-wrong").auth_test()
    with pytest.raises(SlackApiError) as missing:
        WebClient(base_url=slack.url).auth_test()
    with pytest.raises(SlackApiError) as unknown:
        client.api_call("chat.frobnicate")
    assert wrong.value.response["error"] == "invalid_auth"
    assert missing.value.response["error"] == "not_authed"
    assert unknown.value.response["error"] == "unknown_method"
    first = slack.calls("auth.test")[0]
    assert first.headers["authorization"] == f"Bearer {slack.token}"


def test_messages_are_kept_updated_and_readable(slack: SlackStandin, client: WebClient) -> None:
    metadata = {"event_type": "review_requested", "event_payload": {"registration": 7}}
    posted = client.chat_postMessage(
        channel=REVIEW, text="Review Acme", blocks=[section("Review *Acme*")], metadata=metadata
    )
    ts = posted["ts"]
    assert posted["channel"] == REVIEW
    reply = client.chat_postMessage(channel=REVIEW, text="note", thread_ts=ts)
    client.chat_update(channel=REVIEW, ts=ts, text="Approved", blocks=[section("Approved")])

    current = slack.message(REVIEW, ts)
    assert current["text"] == "Approved"
    assert current["blocks"][0]["text"]["text"] == "Approved"
    assert current["blocks"][0]["block_id"]  # Slack fills in block ids
    assert current["metadata"] == metadata  # an update keeps what it leaves out
    assert current["reply_count"] == 1

    plain = client.conversations_history(channel=REVIEW)["messages"]
    assert [m["ts"] for m in plain] == [ts]  # replies stay in their thread
    assert "metadata" not in plain[0]
    full = client.conversations_history(channel=REVIEW, include_all_metadata=True)["messages"]
    assert full[0]["metadata"] == metadata
    link = client.chat_getPermalink(channel=REVIEW, message_ts=reply["ts"])["permalink"]
    assert link.endswith(f"?thread_ts={ts}&cid={REVIEW}")

    call = slack.wait_for("chat.update", lambda c: c.args["ts"] == ts)
    assert call.args["blocks"][0]["text"]["text"] == "Approved"
    with pytest.raises(SlackApiError, match="message_not_found"):
        client.chat_update(channel=REVIEW, ts="1.000001", text="nope")
    # The refused update is recorded: a fixture can assert a bot made no such call.
    assert [c.error for c in slack.errors()] == ["message_not_found"]


def test_blocks_without_text_are_accepted_with_a_visible_warning(
    slack: SlackStandin, client: WebClient
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # slack_sdk warns on its side too
        answer = client.chat_postMessage(channel=REVIEW, blocks=[section("no fallback")])
    assert answer["ok"]
    assert answer["response_metadata"]["warnings"] == ["missing_text_in_blocks"]
    assert [w.code for w in slack.warnings] == ["missing_text_in_blocks"]
    with pytest.raises(AssertionError, match="warned"):
        slack.assert_clean()


def test_dms_ephemerals_and_users(slack: SlackStandin, client: WebClient) -> None:
    dm = client.conversations_open(users=PARTNER)["channel"]["id"]
    assert dm.startswith("D")
    assert client.conversations_open(users=PARTNER)["channel"]["id"] == dm
    assert client.chat_postMessage(channel=dm, text="hi")["channel"] == dm
    assert client.chat_postMessage(channel=PARTNER, text="also")["channel"] == dm
    with pytest.raises(SlackApiError, match="channel_not_found"):
        client.chat_postMessage(channel="DNOTOPENED", text="x")
    with pytest.raises(SlackApiError, match="channel_not_found"):
        client.chat_postMessage(channel="#general", text="x")

    client.chat_postEphemeral(channel=REVIEW, user="U0OTHER", text="Only reviewers decide")
    assert [e["text"] for e in slack.ephemerals("U0OTHER")] == ["Only reviewers decide"]

    assert client.users_info(user=PARTNER)["user"]["tz"] == "America/New_York"
    slack.add_user("U0TOKYO", tz="Asia/Tokyo")
    tokyo = client.users_info(user="U0TOKYO")["user"]
    assert (tokyo["tz"], tokyo["tz_offset"]) == ("Asia/Tokyo", 9 * 3600)
    with pytest.raises(SlackApiError, match="user_not_found"):
        client.users_info(user="nobody")


def test_files_upload_v2_round_trip(slack: SlackStandin, client: WebClient) -> None:
    dm = client.conversations_open(users=PARTNER)["channel"]["id"]
    answer = client.files_upload_v2(
        channel=dm, content=b"\x89PNG fake", filename="qr.png", title="Invitation QR code"
    )
    assert answer["file"]["title"] == "Invitation QR code"
    [stored] = slack.files()
    assert stored["content"] == b"\x89PNG fake"
    assert stored["channels"] == [dm]
    assert [m["files"][0]["name"] for m in slack.messages(dm)] == ["qr.png"]
    assert [c.method for c in slack.calls()][-3:] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]


def test_a_response_url_shows_an_ephemeral_message(slack: SlackStandin) -> None:
    url = slack.response_url(REVIEW, PARTNER)
    assert WebhookClient(url).send(text="Done").status_code == 200
    assert slack.ephemerals(PARTNER)[0]["text"] == "Done"
    assert slack.wait_for("response_url").args == {"text": "Done"}
