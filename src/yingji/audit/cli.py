"""``yingji audit``: verify the chain, write a checkpoint, create or rotate the signing key."""

from __future__ import annotations

from typing import Annotated

import typer

from yingji.audit import anchor, keys
from yingji.audit import service as audit
from yingji.auth.cli import cli_actor
from yingji.core.clock import SystemClock
from yingji.core.errors import Conflict, YingjiError
from yingji.db.runtime import engine, session_scope
from yingji.db.session import make_sessionmaker

app = typer.Typer(help="审计日志", no_args_is_help=True)


class AuditBroken(YingjiError):
    status, code, message = 500, "audit_chain_broken", "审计日志链校验失败：{reason}"


@app.command("verify")
def verify() -> None:
    """校验审计日志：逐条重算签名与链接，并与检查点比对；发现问题时以非零状态退出。"""
    with make_sessionmaker(engine())() as db_session:
        result = audit.verify(
            db_session=db_session, key_file=keys.default_path(), checkpoint_file=anchor.default_path()
        )
    for note in result.notes:
        typer.echo(f"提示：{note}", err=True)
    if not result.ok:
        for problem in result.problems:
            typer.echo(problem, err=True)
        raise AuditBroken(reason=f"{len(result.problems)} 处问题")
    typer.echo(f"审计日志完整：{result.entries} 条")
    if result.keyed_from is not None:
        legacy = f"，此前 {result.keyed_from - 1} 条为启用密钥前的未签名旧条目" if result.keyed_from > 1 else ""
        typer.echo(f"签名部分自第 {result.keyed_from} 条起{legacy}")
    if result.checkpoint is not None:
        typer.echo(f"与检查点（第 {result.checkpoint} 条）一致")


@app.command("checkpoint")
def checkpoint() -> None:
    """立即把链尾（序号与哈希，经密钥签名）写入检查点文件；输出的链尾可另行抄存到值班记录等库外位置。"""
    written = anchor.write_head(make_sessionmaker(engine()))
    current = anchor.read(anchor.default_path())
    if current is None:
        typer.echo("审计日志为空，无需检查点")
        return
    state = "已写入" if written else "已是最新"
    typer.echo(f"检查点{state}：第 {current.seq} 条 {current.hash}（{anchor.default_path()}）")


@app.command("keygen")
def keygen(
    replace_lost: Annotated[
        bool, typer.Option("--replace-lost", help="原密钥文件确已丢失时启用新密钥（此前的签名条目将无法校验）")
    ] = False,
) -> None:
    """创建审计签名密钥文件（权限 0600；serve 与 db upgrade 首次运行时也会创建）。"""
    path = keys.default_path()
    if path.exists():
        raise Conflict(reason=f"密钥文件 {path} 已存在；轮换密钥请用 yingji audit rotate-key")
    with session_scope() as db_session:
        lost = keys.has_signed_entries(db_session)
        if lost and not replace_lost:
            keys.ensure(db_session, path)  # raises the explanation
        keyring = keys.create(path)
        if lost:  # said in the chain itself, signed with the new key
            audit.record(
                db_session=db_session,
                clock=SystemClock(),
                actor=cli_actor().username,
                action="audit.key_replaced",
                target_kind="audit_key",
                target_key=keyring.current[0],
                detail={"reason": "原密钥文件丢失"},
            )
    typer.echo(f"已创建审计密钥 {keyring.current[0]}：{path}")


@app.command("rotate-key")
def rotate_key() -> None:
    """轮换签名密钥：新条目用新密钥签名，旧密钥留在文件中用于校验旧条目。"""
    path = keys.default_path()
    with session_scope() as db_session:
        keys.ensure(db_session, path)
        before = keys.read(path).current[0]
        keyring = keys.rotate(path)
        audit.record(
            db_session=db_session,
            clock=SystemClock(),
            actor=cli_actor().username,
            action="audit.key_rotated",
            target_kind="audit_key",
            target_key=keyring.current[0],
            detail={"previous": before},
        )
    typer.echo(f"已轮换审计密钥：{before} → {keyring.current[0]}（{path}）")
