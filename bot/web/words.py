"""The customer pages' words, in English and Simplified Chinese (by Accept-Language)."""

from __future__ import annotations

from datetime import UTC, datetime

LANGUAGES = ("en", "zh")

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "html_lang": "en",
        "title": "Your invitation",
        "invites": "{partner} invites you to register with the cloud and associate your"
        " account with them as your partner.",
        "valid_until": "This invitation is valid until {until}.",
        "email": "Email",
        "email_hint": "The email address at which you were invited.",
        "mobile": "Mobile number",
        "mobile_hint": "The mobile number at which you were invited, with its country code.",
        "name": "Your name",
        "consent": "I agree to register and to be associated with {partner}, who may then"
        " see my account's usage as my partner.",
        "submit": "Register and associate",
        "need_identity_email": "Enter your email address.",
        "need_identity_mobile": "Enter your mobile number.",
        "need_name": "Enter your name.",
        "name_too_long": "Your name is too long (200 characters at most).",
        "need_consent": "Tick the box to agree, or close this page.",
        "invalid_email": "This is not a valid email address.",
        "invalid_mobile": "This is not a valid mobile number.",
        "wrong_email": "This is not the email address at which you were invited.",
        "wrong_mobile": "This is not the mobile number at which you were invited.",
        "attempts_left": "Attempts left before a pause: {n}.",
        "done_title": "You are associated",
        "done": "You are registered and associated with {partner}. They have been told and"
        " will be in touch. You can close this page.",
        "not_found_title": "Invitation not found",
        "not_found": "This link is not a valid invitation. Check that you copied all of it,"
        " or ask your partner to send it again.",
        "associated_title": "Already associated",
        "associated": "This invitation has already been accepted. If that was not you,"
        " contact the partner who invited you.",
        "ended_title": "Invitation no longer valid",
        "ended": "This invitation has expired or its pre-registration was deleted. Ask the"
        " partner who invited you for a new one.",
        "too_many_title": "Too many attempts",
        "too_many": "There were too many wrong attempts with this invitation. Try again"
        " after {retry}.",
        "expired_form_title": "Please try again",
        "expired_form": "This form was open too long or came from elsewhere. Open the"
        " invitation again and resubmit.",
        "reopen": "Open the invitation again",
        "unavailable_title": "Invitations unavailable",
        "unavailable": "Invitations are not available right now. Please try again later.",
    },
    "zh": {
        "html_lang": "zh-Hans",
        "title": "您的邀请",
        "invites": "{partner} 邀请您注册云账号，并将您的账号关联到该合作伙伴。",
        "valid_until": "本邀请的有效期至 {until}。",
        "email": "电子邮箱",
        "email_hint": "您收到邀请时使用的电子邮箱地址。",
        "mobile": "手机号码",
        "mobile_hint": "您收到邀请时使用的手机号码（含国家代码）。",
        "name": "您的姓名",
        "consent": "我同意注册并关联到 {partner}，该合作伙伴此后可以查看我账号的使用情况。",
        "submit": "注册并关联",
        "need_identity_email": "请输入您的电子邮箱地址。",
        "need_identity_mobile": "请输入您的手机号码。",
        "need_name": "请输入您的姓名。",
        "name_too_long": "姓名过长（最多 200 个字符）。",
        "need_consent": "请勾选同意，或关闭此页面。",
        "invalid_email": "这不是有效的电子邮箱地址。",
        "invalid_mobile": "这不是有效的手机号码。",
        "wrong_email": "这不是您收到邀请时使用的电子邮箱地址。",
        "wrong_mobile": "这不是您收到邀请时使用的手机号码。",
        "attempts_left": "暂停前剩余尝试次数：{n}。",
        "done_title": "关联成功",
        "done": "您已注册并关联到 {partner}。对方已收到通知，会与您联系。您可以关闭此页面。",
        "not_found_title": "未找到邀请",
        "not_found": "此链接不是有效的邀请。请检查链接是否完整，或请合作伙伴重新发送。",
        "associated_title": "已关联",
        "associated": "此邀请已被接受。如果不是您本人操作，请联系邀请您的合作伙伴。",
        "ended_title": "邀请已失效",
        "ended": "此邀请已过期或已被撤回。请向邀请您的合作伙伴索取新的邀请。",
        "too_many_title": "尝试次数过多",
        "too_many": "此邀请的错误尝试次数过多。请在 {retry} 之后再试。",
        "expired_form_title": "请重试",
        "expired_form": "此表单打开时间过长或来源不明。请重新打开邀请并再次提交。",
        "reopen": "重新打开邀请",
        "unavailable_title": "邀请暂不可用",
        "unavailable": "邀请功能暂时不可用，请稍后再试。",
    },
}


def moment(at: datetime, language: str) -> str:
    """A time in UTC, written as each language writes dates."""
    utc = at.astimezone(UTC)
    if language == "zh":
        return f"{utc.year}年{utc.month}月{utc.day}日 {utc:%H:%M} (UTC)"
    return f"{utc.day} {utc:%B %Y, %H:%M} UTC"
