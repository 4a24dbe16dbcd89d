"""The one error hierarchy: HTTP status, stable code and a Chinese message template."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from yingji.rules.basis import Basis


class YingjiError(Exception):
    """Base of every error a caller may see; the message is Chinese, the code stable."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal"
    message: ClassVar[str] = "系统内部错误，请联系管理员"

    def __init__(
        self, *, field: str | None = None, basis: Sequence[Basis] = (), subcode: str | None = None, **params: object
    ) -> None:
        super().__init__(self.code)
        self.field = field
        self.subcode = subcode  # stable and specific, e.g. "incident.start.not_decider": tests assert it, not wording
        self.basis = tuple(basis)
        self.params = params

    def render(self) -> str:
        """Return the Chinese message with its parameters filled in."""
        try:
            return self.message.format(**self.params)
        except (KeyError, IndexError):
            return self.message

    def headers(self) -> dict[str, str]:
        """Retry-After when the raiser knows when to try again (``retry_after=`` seconds)."""
        seconds = self.params.get("retry_after")
        return {"Retry-After": str(seconds)} if isinstance(seconds, int) else {}

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON body both the API and the CLI print."""
        body: dict[str, Any] = {"code": self.code, "message": self.render(), "field": self.field}
        if self.subcode:
            body["subcode"] = self.subcode
        if self.basis:
            body["basis"] = [b.as_dict() for b in self.basis]
        details = self.params.get("details")
        if isinstance(details, list):
            body["details"] = details
        return {"error": body}


class InvalidInput(YingjiError):
    status, code, message = 422, "invalid_input", "输入不合法：{reason}"


class TooLarge(InvalidInput):
    """An uploaded table beyond a size cap (rows, columns, cells, unpacked bytes): refused before it is read whole."""

    status, code, message = 413, "too_large", "内容超出上限：{reason}"


class PlanInvalid(YingjiError):
    status, code, message = 422, "plan_invalid", "预案文件不合法：{reason}"


class RuleViolation(YingjiError):
    status, code, message = 422, "rule_violation", "不符合{plan}的规定：{rule}"


class NotApplicable(YingjiError):
    status, code, message = 422, "not_applicable", "{plan}不适用于此项判定：{reason}"


class NotFound(YingjiError):
    status, code, message = 404, "not_found", "未找到{kind}：{key}"


class Unauthorized(YingjiError):
    status, code, message = 401, "unauthorized", "未登录或登录已失效：{reason}"


class Forbidden(YingjiError):
    status, code, message = 403, "forbidden", "无权执行此操作：{reason}"


class OutOfJurisdiction(Forbidden):
    status, code, message = 403, "out_of_jurisdiction", "超出管辖范围：{division}"


class CrossSiteRequest(Forbidden):
    status, code, message = 403, "cross_site_request", "拒绝跨站请求：{reason}"


class Conflict(YingjiError):
    status, code, message = 409, "conflict", "与现有记录冲突：{reason}"


class InvalidState(Conflict):
    """A well-formed step from the right party that the object's present state does not allow (409)."""

    status, code, message = 409, "invalid_state", "当前状态不允许此操作：{reason}"


class PayloadTooLarge(YingjiError):
    status, code, message = 413, "payload_too_large", "请求体过大：{what}不得超过 {size}"


class Unavailable(YingjiError):
    status, code, message = 503, "unavailable", "暂不可用：{reason}"


class TooManyRequests(YingjiError):
    """Throttled (logins, anonymous forms): answered with Retry-After = ``retry_after`` seconds."""

    status, code, message = 429, "too_many_requests", "{reason}，请在 {retry_after} 秒后重试"


class Busy(Unavailable):
    """Overloaded for a moment (the database lock, the password checks): try again shortly (Retry-After)."""

    code, message = "busy", "系统繁忙（{reason}），请在 {retry_after} 秒后重试"
