"""``yingji users``: add, list, disable accounts and issue machine tokens."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer
from pydantic import ValidationError

from yingji.auth import service
from yingji.auth.actor import Actor
from yingji.auth.roles import Role
from yingji.auth.schemas import UserCreate
from yingji.config import get_settings
from yingji.core.clock import SystemClock
from yingji.core.validation import invalid_input
from yingji.db.runtime import session_scope

app = typer.Typer(help="账号", no_args_is_help=True)


def cli_actor() -> Actor:
    """The local operator: an unlimited administrator named after the OS account (it runs on the server)."""
    return Actor(username=f"cli:{getpass.getuser()}", role=Role.ADMIN)


def new_password(prompt: str) -> str:
    """Settings.new_password (YINGJI_NEW_PASSWORD, for scripts), else asked twice without echo."""
    configured = get_settings().new_password
    if configured is not None:
        return configured.get_secret_value()
    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=True))


@app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="登录名")],
    role: Annotated[Role, typer.Option(help="角色：" + "、".join(f"{r.value}={r.label}" for r in Role))],
    display_name: Annotated[str, typer.Option(help="姓名")],
    division: Annotated[str | None, typer.Option(help="管辖行政区划代码")] = None,
    organisation: Annotated[str | None, typer.Option(help="企业用户所属企业名称")] = None,
) -> None:
    """新建账号；密码从环境变量 YINGJI_NEW_PASSWORD 读取，否则交互输入（不回显）。"""
    password = new_password("密码")
    raw = {
        "username": username,
        "display_name": display_name,
        "password": password,
        "role": role,
        "division_code": division,
        "organisation": organisation,
    }
    try:
        data = UserCreate.model_validate(raw)
    except ValidationError as err:
        raise invalid_input(err.errors()) from err
    with session_scope() as db_session:
        user = service.create_user(db_session=db_session, clock=SystemClock(), actor=cli_actor(), data=data)
    typer.echo(f"已创建账号 {user.username}（{user.role.label}）")


@app.command("list")
def list_users(
    role: Annotated[Role | None, typer.Option(help="角色")] = None,
    division: Annotated[str | None, typer.Option(help="行政区划代码（含下级）")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="每页条数")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="跳过的条数")] = 0,
) -> None:
    """列出账号（按登录名）：角色、管辖区划或所属企业、是否停用。"""
    from yingji.auth import reads
    from yingji.auth.schemas import UserFilters
    from yingji.core.paging import PageParams

    params = PageParams(limit=limit, offset=offset)
    filters = UserFilters(role=role, division=division)
    with session_scope() as db_session:
        found, total = service.list_users(db_session=db_session, actor=cli_actor(), params=params, filters=filters)
        rows = reads.users(db_session, found)
    for user in rows:
        scope = user.organisation_name or user.division_name or "不限"
        code = f"（{user.division_code}）" if user.division_code else ""
        state = "" if user.is_active else "（已停用）"
        typer.echo(f"{user.username:<20} {user.role_label:<10} {scope}{code}{state}")
    typer.echo(f"共 {total} 条，显示第 {offset + 1}–{offset + len(found)} 条" if found else f"共 {total} 条")


@app.command("disable")
def disable(username: Annotated[str, typer.Argument(help="登录名")]) -> None:
    """停用账号并立即终止其会话、撤销其令牌。"""
    with session_scope() as db_session:
        service.disable_user(db_session=db_session, clock=SystemClock(), actor=cli_actor(), username=username)
    typer.echo(f"已停用 {username}")


@app.command("password")
def password(username: Annotated[str, typer.Argument(help="登录名")]) -> None:
    """重设密码（从 YINGJI_NEW_PASSWORD 读取，否则交互输入），并终止该账号的全部会话。"""
    new = new_password("新密码")
    with session_scope() as db_session:
        service.set_password(
            db_session=db_session, clock=SystemClock(), actor=cli_actor(), username=username, password=new
        )
    typer.echo(f"已重设 {username} 的密码")


@app.command("token")
def token(
    username: Annotated[str, typer.Argument(help="登录名")],
    name: Annotated[str, typer.Option(help="令牌用途，如 某矿监测网关")],
) -> None:
    """签发机器令牌（只显示这一次）。"""
    with session_scope() as db_session:
        issued = service.create_api_token(
            db_session=db_session, clock=SystemClock(), actor=cli_actor(), username=username, name=name
        )
    typer.echo(issued)
