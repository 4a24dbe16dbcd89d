"""Account bodies: creating users, logging in, and what the API shows of a user."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from yingji.auth.roles import Permission, Role
from yingji.core.divisions import CODE_PATTERN
from yingji.core.labels import LabelledEnum
from yingji.core.paging import Filters
from yingji.core.schemas import YingjiModel


class UserCreate(YingjiModel):
    """新建账号：企业用户以所属企业为范围，其余角色以行政区划为范围（管理员可不限）。"""

    username: str = Field(pattern=r"^[a-z0-9_.-]{3,64}$", description="登录名（小写字母、数字、_.-）")
    display_name: str = Field(min_length=1, max_length=64, description="姓名")
    password: str = Field(
        min_length=10, max_length=200, description="密码：至少10位，至少两类字符，不含登录名，不是常见密码"
    )
    role: Role
    division_code: str | None = Field(default=None, pattern=CODE_PATTERN, description="管辖行政区划")
    organisation: str | None = Field(
        default=None, min_length=2, max_length=120, description="企业、部门或苏木镇填报账号所属单位名称"
    )


class LoginRequest(YingjiModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class AccountAction(LabelledEnum):
    """What an account manager may do to an account in scope."""

    DISABLE = "disable", "停用"
    ISSUE_TOKEN = "issue_token", "签发机器令牌"
    REVOKE_TOKENS = "revoke_tokens", "撤销机器令牌"


class UserRead(YingjiModel):
    """An account with its role's label and the names of its division or enterprise."""

    username: str
    display_name: str
    role: Role
    role_label: str
    division_code: str | None
    division_name: str | None
    organisation_id: int | None
    organisation_name: str | None
    is_active: bool


class AccountRead(UserRead):
    """An account as its managers see it: with what the caller may do to it now."""

    allowed_actions: list[AccountAction]


class UserFilters(Filters):
    """What the account list is narrowed by."""

    role: Role | None = None
    division: str | None = Field(
        default=None, pattern=CODE_PATTERN, description="行政区划代码（含下级；企业账号按所属企业所在区划）"
    )
    active: bool | None = Field(default=None, description="true 只列在用账号，false 只列已停用")
    q: str | None = Field(default=None, min_length=1, max_length=64, description="登录名或姓名包含")


class MeRead(YingjiModel):
    """Who is calling: role, jurisdiction (division or enterprise) with names, and the permissions held."""

    username: str
    role: Role
    role_label: str
    division_code: str | None
    division_name: str | None
    organisation_id: int | None
    organisation_name: str | None
    permissions: list[Permission]


class RevokedRead(YingjiModel):
    revoked: int = Field(description="撤销的有效令牌数")


class LoginRead(YingjiModel):
    token: str = Field(description="会话令牌：放在 Authorization: Bearer 头中，或使用返回的 Cookie")
    expires_at: datetime
    user: UserRead


class TokenRead(YingjiModel):
    name: str
    token: str = Field(description="仅显示这一次；服务端只保存其哈希")
