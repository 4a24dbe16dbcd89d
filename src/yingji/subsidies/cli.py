"""``yingji subsidies``: the calculators from the shell, each answer with its formula, components and seed basis."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

import typer
from pydantic import BaseModel, ValidationError

from yingji.core.validation import invalid_input

app = typer.Typer(
    help="补贴计算：“先使用后付费”奖补（包科发〔2025〕61号）、南平房区改造更新（杭政办发〔2024〕42号）、"
    "设备更新贷款贴息（鄂府发〔2024〕60号）",
    no_args_is_help=True,
)
AsJson = Annotated[bool, typer.Option("--json", help="输出 JSON")]


def _parsed(model: Callable[..., Any], raw: dict[str, Any]) -> Any:
    """The request body from the command's options; a bad value is InvalidInput naming the field, as over HTTP."""
    try:
        return model(**{k: v for k, v in raw.items() if v is not None})
    except ValidationError as err:
        raise invalid_input(err.errors()) from err


def _show(model: BaseModel, as_json: bool) -> None:
    """Print the same read model the API answers with (JSON, or its lines for a person)."""
    answer = model.model_dump(mode="json")
    if as_json:
        typer.echo(json.dumps(answer, ensure_ascii=False, indent=2))
        return
    programme = answer["programme"]
    typer.echo(f"{answer['title']}（{programme['title']}，{programme['doc_no']}）")
    typer.echo(f"公式：{answer['formula']}")
    typer.echo("输入：" + "；".join(f"{k} {v}" for k, v in answer["inputs"].items()))
    if "earliest_on" in answer:
        for condition in answer["conditions"]:
            typer.echo(f"  {condition['label']}：{condition['formula']}")
        typer.echo(f"最早支付日：{answer['earliest_on']}")
        if answer["may_pay"] is not None:
            typer.echo("拟支付日：" + ("可以支付" if answer["may_pay"] else "早于最早支付日，不可支付"))
    else:
        for part in answer["components"]:
            typer.echo(f"  {part['label']}：{part['formula']}")
        typer.echo(f"合计：{answer['total_yuan']} 元")
        if answer["schedule"]:
            typer.echo("支付安排：")
            for step in answer["schedule"]:
                typer.echo(f"  {step['label']}：{step['amount_yuan']} 元")
        if (route := answer["route"]) is not None:
            typer.echo(f"审批路径：{route['label']}——{route['text']}")
    for note in answer["notes"]:
        typer.echo(f"说明：{note}")
    typer.echo("依据：")
    for basis in answer["basis"]:
        cited = f"[{basis['seed']}]" if basis["seed"] else f"[{basis['source']}]"
        typer.echo(f"  {cited} {basis['clause']}：{basis['quote'] or ''}")


@app.command("list")
def list_calculators(as_json: AsJson = False) -> None:
    """各补贴计算器及其标准、原文依据。"""
    from yingji.subsidies import service

    rows = [row.model_dump(mode="json") for row in service.catalogue()]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        typer.echo(f"{row['id']}：{row['title']}（{row['programme']['doc_no']}）")
        for p in row["parameters"]:
            value = "" if p["value"] is None else f" {p['value']} {p['unit']}"
            typer.echo(f"  {p['name']}{value}  [{p['seed']}]")


@app.command("tech-licence")
def tech_licence(
    results: Annotated[
        list[str],
        typer.Argument(
            help="每项成果写成 金额[:方式[:not-first]]，方式为 exclusive、sole、ordinary（默认）或 transfer；"
            "not-first 表示该成果此前已许可过，如 120000 80000:ordinary:not-first"
        ),
    ],
    as_json: AsJson = False,
) -> None:
    """许可（转让）补贴：按合同涉及的单项成果计算。"""
    from yingji.subsidies import schemas, service

    parsed = []
    for i, spec in enumerate(results):
        amount, _, rest = spec.partition(":")
        kind, _, first = rest.partition(":")
        if first not in ("", "not-first"):
            raise invalid_input([{"loc": ("results", i, "is_first_licence"), "msg": "只能写 not-first"}])
        parsed.append({"amount_yuan": amount, "kind": kind or None, "is_first_licence": first != "not-first"})
    _show(service.licence(_parsed(schemas.LicenceIn, {"results": [_drop_none(r) for r in parsed]})), as_json)


def _drop_none(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if v is not None}


@app.command("tech-acceptance")
def tech_acceptance(
    amount: Annotated[str, typer.Argument(help="技术许可合同金额（元）")], as_json: AsJson = False
) -> None:
    """承接补贴：合同金额不低于 3 万元时按 10% 补贴，单个成果项目最高 2 万元。"""
    from yingji.subsidies import schemas, service

    _show(service.acceptance(_parsed(schemas.AcceptanceIn, {"contract_amount_yuan": amount})), as_json)


@app.command("tech-insurance")
def tech_insurance(
    fee: Annotated[str, typer.Argument(help="该项目缴纳的担保或保险费用合计（元）")], as_json: AsJson = False
) -> None:
    """保险担保补贴：3000 元（含）以内 100%，超过部分 80%，单个项目最高 5000 元。"""
    from yingji.subsidies import schemas, service

    _show(service.insurance(_parsed(schemas.InsuranceIn, {"fee_yuan": fee})), as_json)


@app.command("tech-payment")
def tech_payment(
    effective_on: Annotated[str, typer.Argument(help="许可合同生效日 YYYY-MM-DD")],
    revenue_on: Annotated[str | None, typer.Option(help="首次形成市场化收入之日")] = None,
    proposed_on: Annotated[str | None, typer.Option(help="拟支付许可费之日")] = None,
    as_json: AsJson = False,
) -> None:
    """许可费最早支付日。"""
    from yingji.subsidies import schemas, service

    raw = {"effective_on": effective_on, "revenue_on": revenue_on, "proposed_on": proposed_on}
    _show(service.payment(_parsed(schemas.PaymentIn, raw)), as_json)


@app.command("pingfang")
def pingfang(
    work: Annotated[
        str, typer.Option(help="renovate 改造、demolish 拆除不新建、rebuild 拆除新建、vacant_build 空地新建")
    ],
    grade: Annotated[str | None, typer.Option(help="房屋结构安全等级 B、C、D")] = None,
    floor_area: Annotated[str | None, typer.Option(help="既有房屋建筑面积（平方米，改造）")] = None,
    roof: Annotated[bool, typer.Option("--roof", help="铺装符合规划、风貌要求的瓦顶或新型材料屋顶")] = False,
    main_kind: Annotated[str | None, typer.Option(help="新建主房：storeyed 楼房、bungalow 平房")] = None,
    main_area: Annotated[str | None, typer.Option(help="新建主房面积（平方米）")] = None,
    ancillary_area: Annotated[str | None, typer.Option(help="新建附属用房（凉房）面积（平方米）")] = None,
    investment: Annotated[str | None, typer.Option(help="新建投资额（元），用于判定审批路径")] = None,
    setback_area: Annotated[str | None, typer.Option(help="退出土地面积（平方米）")] = None,
    plot_area: Annotated[str | None, typer.Option(help="退线前土地面积（平方米）")] = None,
    setback_reading: Annotated[
        str | None,
        typer.Option(
            help="退线补偿面积的理解：pre_setback_plot 按退线前土地面积（方案原文，默认）、"
            "land_given_up 按退出土地面积；不连接数据库，不读取管理员在平台上的选择"
        ),
    ] = None,
    land_use: Annotated[str | None, typer.Option(help="退线土地用途：residential 住宅、commercial 商业")] = None,
    tenure: Annotated[
        str | None, typer.Option(help="退线土地权属：allocated 划拨、granted 出让、uncertified 无证")
    ] = None,
    location_class: Annotated[str | None, typer.Option(help="商业地段类别 1、2、3")] = None,
    as_json: AsJson = False,
) -> None:
    """南平房区建筑改造更新补贴、退线补偿、审批路径及支付安排。"""
    from yingji.subsidies import schemas, service

    land = {
        "area_m2": setback_area,
        "plot_area_m2": plot_area,
        "land_use": land_use,
        "tenure": tenure,
        "location_class": location_class,
    }
    setback = _drop_none(land) or None
    raw = {
        "work": work,
        "grade": grade,
        "floor_area_m2": floor_area,
        "compliant_roof": roof or None,
        "main_kind": main_kind,
        "main_area_m2": main_area,
        "ancillary_area_m2": ancillary_area,
        "investment_yuan": investment,
        "setback": setback,
    }
    _show(service.pingfang(_parsed(schemas.PingfangIn, raw), setback_reading), as_json)


@app.command("equipment-interest")
def equipment_interest(
    principal: Annotated[str, typer.Argument(help="贷款本金（元）")],
    loan_on: Annotated[str, typer.Argument(help="放款（起息）日 YYYY-MM-DD")],
    due_on: Annotated[str, typer.Argument(help="贷款到期日 YYYY-MM-DD")],
    eligible: Annotated[
        bool, typer.Option("--eligible", help="经营主体及其银行贷款符合财金〔2024〕54号的规定")
    ] = False,
    repaid: Annotated[list[str] | None, typer.Option(help="提前还本：日期:金额，可重复")] = None,
    as_json: AsJson = False,
) -> None:
    """设备更新贷款财政贴息：贷款本金按1.5个百分点贴息，贴息期限2年。"""
    from yingji.subsidies import schemas, service

    rows = [dict(zip(("on", "amount_yuan"), r.split(":", 1), strict=False)) for r in repaid or []]
    raw = {"eligible": eligible, "principal_yuan": principal, "loan_on": loan_on, "due_on": due_on, "repayments": rows}
    _show(service.equipment_interest(_parsed(schemas.InterestIn, raw)), as_json)
