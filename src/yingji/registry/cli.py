"""``yingji registry`` and ``yingji demo``: bulk import/export and the demo dataset."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from yingji.auth.cli import cli_actor
from yingji.core import text, xlsx
from yingji.core.clock import SystemClock
from yingji.core.errors import InvalidInput, NotFound
from yingji.db.runtime import session_scope
from yingji.registry import demo, service
from yingji.registry.specs import BY_NAME, SPECS

app = typer.Typer(help="登记数据：导入、导出", no_args_is_help=True)
demo_app = typer.Typer(help="演示数据", no_args_is_help=True)


def read_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Return (line number, row) pairs; line 1 is the header. Accepts UTF-8 with or without BOM (Excel)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = enumerate(csv.DictReader(handle))
        return [
            (index + 2, {k: xlsx.unescape(v) if isinstance(v, str) else v for k, v in row.items()})
            for index, row in rows
        ]


def _refuse_control_characters(path: Path, rows: list[tuple[int, Any]]) -> list[tuple[int, Any]]:
    """Imported text holds no control characters (as API bodies): the first one is reported by line and field."""
    for line, row in rows:
        for where, char in text.controls(row):
            field = ".".join(str(part) for part in where) or "file"
            place = f"第 {line} 行 " if line else ""
            problem = text.PROBLEM.format(char=char)
            raise InvalidInput(field=field, reason=f"{path.name} {place}{field}：{problem}")
    return rows


@app.command("import")
def import_files(
    files: Annotated[list[Path], typer.Argument(help="CSV 文件（文件名即类别，如 mines.csv）或 JSON 汇总文件")],
    partial: Annotated[bool, typer.Option("--partial", help="只导入合格的行；默认有任何不合格行则全部不导入")] = False,
) -> None:
    """导入登记数据；逐行报告不合格的行和字段。"""
    actor, clock = cli_actor(), SystemClock()
    reports = []
    with session_scope() as db_session:
        for path in files:
            if not path.exists():
                raise NotFound(kind="文件", key=str(path))
            if path.suffix.lower() == ".json":
                bundle = json.loads(path.read_text(encoding="utf-8"))
                _refuse_control_characters(path, [(0, bundle)])
                reports += service.import_bundle(
                    db_session=db_session, clock=clock, actor=actor, bundle=bundle, partial=partial, source=path.name
                )
                continue
            spec = BY_NAME.get(path.stem)
            if spec is None:
                raise InvalidInput(field="file", reason=f"文件名「{path.name}」不是已知类别：{'、'.join(BY_NAME)}")
            reports.append(
                service.import_rows(
                    db_session=db_session,
                    clock=clock,
                    actor=actor,
                    spec=spec,
                    rows=_refuse_control_characters(path, read_csv(path)),
                    partial=partial,
                    source=path.name,
                )
            )
    for report in reports:
        body = report.as_dict()
        typer.echo(f"{body['entity']}: 新增 {body['created']}，更新 {body['updated']}，拒绝 {body['rejected']} 行")
        for problem in report.problems:
            typer.echo(f"  第 {problem.line} 行 {problem.field}：{problem.problem}", err=True)


@app.command("export")
def export_files(
    directory: Annotated[Path, typer.Argument(help="输出目录")],
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 汇总文件而不是每类一个 CSV")] = False,
) -> None:
    """导出全部登记数据（格式与导入相同，可原样再导入）。"""
    directory.mkdir(parents=True, exist_ok=True)
    with session_scope() as db_session:
        bundle = {spec.name: service.export_rows(db_session=db_session, actor=cli_actor(), spec=spec) for spec in SPECS}
    if as_json:
        (directory / "registry.json").write_text(json.dumps(bundle, ensure_ascii=False, indent=1), encoding="utf-8")
        typer.echo(f"已导出 {directory / 'registry.json'}")
        return
    for spec in SPECS:
        _write_csv(directory / f"{spec.name}.csv", list(spec.schema.model_fields), bundle[spec.name])
    typer.echo(f"已导出 {len(SPECS)} 个 CSV 到 {directory}")


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> None:
    cells = [[("、".join(v) if isinstance(v, list) else v) for v in (row.get(c) for c in columns)] for row in rows]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:  # BOM so Excel opens Chinese text correctly
        handle.write(xlsx.csv_text(columns, cells))


@demo_app.command("load")
def load_demo() -> None:
    """载入演示数据（真实行政区划、预案中的单位与救援队伍，以及标明“演示”的合成企业和资源）。"""
    with session_scope() as db_session:
        counts = demo.load(db_session=db_session, clock=SystemClock(), actor=cli_actor())
        counts["warnings"] = len(demo.issue_demo_warnings(db_session=db_session, clock=SystemClock()))
    typer.echo("已载入：" + "，".join(f"{k} {v}" for k, v in counts.items()))
