"""Roles and the role → permission table (the one place that says who may do what)."""

from __future__ import annotations

from enum import StrEnum

from yingji.core.labels import LabelledEnum


class Role(LabelledEnum):
    ENTERPRISE_REPORTER = "enterprise_reporter", "企业填报员"
    COUNTY_OFFICER = "county_officer", "旗县区值班员"
    CITY_OFFICER = "city_officer", "市级值班员"
    HQ_COMMANDER = "hq_commander", "指挥部指挥员"
    EXPERT = "expert", "专家"  # 查阅；评审项目中评分
    ADMIN = "admin", "系统管理员"
    GRASSROOTS_OFFICER = "grassroots_officer", "街道社区工作人员"  # 街道（苏木乡镇）、社区（嘎查村）
    MET_OFFICER = "met_officer", "气象部门值班员"  # 本级气象主管部门
    UNIT_REPORTER = "unit_reporter", "部门（苏木镇）填报员"  # 本单位履职报送（指定专人，004#L190-L192）
    OPERATOR = "operator", "运维监控"  # 只读运行指标（Prometheus 采集账号）


class Permission(StrEnum):
    PLANS_READ = "plans.read"  # 查阅预案、事故研判
    REGISTRY_READ = "registry.read"  # 查阅单位、矿山、尾矿库、危险源
    REGISTRY_WRITE = "registry.write"  # 登记、修改、导入
    RESOURCES_READ = "resources.read"  # 查找救援队伍、物资、避难场所
    USERS_MANAGE = "users.manage"  # 管理账号
    AUDIT_READ = "audit.read"  # 查阅审计日志
    MONITORING_INGEST = "monitoring.ingest"  # 上传监测数据（企业网关）
    ALARMS_HANDLE = "alarms.handle"  # 确认、搁置、批注报警，提出预警建议
    HAZARDS_REPORT = "hazards.report"  # 上报隐患、落实整改、申请验收
    HAZARDS_SUPERVISE = "hazards.supervise"  # 确认、督办、验收销号隐患
    TIPS_HANDLE = "tips.handle"  # 受理、核查、反馈举报
    LEDGER_WRITE = "ledger.write"  # 督办任务进展、指标数据填报
    PROPERTY_SUPERVISE = "property.supervise"  # 物业服务监管：小区登记、诉求办理、检查与信用
    PROGRAMME_APPLY = "programme.apply"  # 申报评审类项目（本单位）
    PROGRAMME_MANAGE = "programme.manage"  # 办理评审、认定、康复等行政事项（初审、复核、组建专家组、公示、决定）
    PROGRAMME_SCORE = "programme.score"  # 专家评分、回避
    INCIDENTS_REPORT = "incidents.report"  # 提交事故初报、续报、终报
    INCIDENTS_COMMAND = "incidents.command"  # 事故处置：登记报告、任务、调派、响应（须为预案规定的机关）
    WARNINGS_MANAGE = "warnings.manage"  # 起草、发布、调整、解除预警（须为预案规定的发布机关）
    METEOROLOGICAL_WARNINGS = "warnings.meteorological"  # 制作、发布、调整、解除本级气象灾害预警（气象主管部门）
    DUTY_KEEP = "duty.keep"  # 值班：排班、值班日志、交接班（本级值班室）
    DUTIES_SUBMIT = "duties.submit"  # 本单位常态化履职任务：报送调度表、工作报告、检查和演练记录
    SUBSIDY_CASES = "subsidies.cases"  # 到户补贴案件：摸底、申请、批复、验收、核定、支付（按方案规定的机关）
    SUBSIDY_READINGS = "subsidies.readings"  # 选定有争议条文的理解（系统管理员）
    OPS_READ = "ops.read"  # 读取运行指标（/metrics，Prometheus 采集）


_READ = {Permission.PLANS_READ, Permission.REGISTRY_READ, Permission.RESOURCES_READ}
_OFFICER = {
    Permission.REGISTRY_WRITE,
    Permission.ALARMS_HANDLE,
    Permission.HAZARDS_REPORT,
    Permission.HAZARDS_SUPERVISE,
    Permission.TIPS_HANDLE,
    Permission.LEDGER_WRITE,
    Permission.PROPERTY_SUPERVISE,
    Permission.PROGRAMME_MANAGE,
    Permission.INCIDENTS_REPORT,
    Permission.INCIDENTS_COMMAND,
    Permission.WARNINGS_MANAGE,
    Permission.DUTY_KEEP,
    Permission.SUBSIDY_CASES,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ENTERPRISE_REPORTER: frozenset(
        _READ
        | {
            Permission.REGISTRY_WRITE,
            Permission.MONITORING_INGEST,
            Permission.ALARMS_HANDLE,
            Permission.HAZARDS_REPORT,
            Permission.PROGRAMME_APPLY,
            Permission.INCIDENTS_REPORT,
            Permission.DUTIES_SUBMIT,
        }
    ),
    Role.COUNTY_OFFICER: frozenset(_READ | _OFFICER),
    Role.CITY_OFFICER: frozenset(_READ | _OFFICER),
    Role.HQ_COMMANDER: frozenset(
        _READ
        | {
            Permission.ALARMS_HANDLE,
            Permission.INCIDENTS_REPORT,
            Permission.INCIDENTS_COMMAND,
            Permission.WARNINGS_MANAGE,
            Permission.DUTY_KEEP,
        }
    ),
    Role.EXPERT: frozenset(_READ | {Permission.PROGRAMME_SCORE}),
    # An administrator runs the system; it does not speak for the meteorological authority (003#L6 3.3.2).
    Role.ADMIN: frozenset(Permission) - {Permission.METEOROLOGICAL_WARNINGS},
    # 苏木乡镇、社区: 南平房区 cases are surveyed, received and verified by the town (004#L9573-L9577, L9602-L9604)
    Role.GRASSROOTS_OFFICER: frozenset(
        {Permission.REGISTRY_READ, Permission.PROPERTY_SUPERVISE, Permission.SUBSIDY_CASES}
    ),
    Role.MET_OFFICER: frozenset(_READ | {Permission.METEOROLOGICAL_WARNINGS}),
    Role.UNIT_REPORTER: frozenset({Permission.PLANS_READ, Permission.DUTIES_SUBMIT}),
    Role.OPERATOR: frozenset({Permission.OPS_READ}),  # a metrics scraper's account: counts, never records
}

PERMISSION_LABELS = {
    Permission.PLANS_READ: "查阅预案",
    Permission.REGISTRY_READ: "查阅登记信息",
    Permission.REGISTRY_WRITE: "登记和修改",
    Permission.RESOURCES_READ: "查找应急资源",
    Permission.USERS_MANAGE: "管理账号",
    Permission.AUDIT_READ: "查阅审计日志",
    Permission.MONITORING_INGEST: "上传监测数据",
    Permission.ALARMS_HANDLE: "处置监测报警",
    Permission.HAZARDS_REPORT: "上报和整改隐患",
    Permission.HAZARDS_SUPERVISE: "督办和验收销号隐患",
    Permission.TIPS_HANDLE: "受理举报",
    Permission.LEDGER_WRITE: "填报督办任务和指标",
    Permission.PROPERTY_SUPERVISE: "物业服务监管",
    Permission.PROGRAMME_APPLY: "申报评审项目",
    Permission.PROGRAMME_MANAGE: "办理评审认定事项",
    Permission.PROGRAMME_SCORE: "专家评分",
    Permission.INCIDENTS_REPORT: "报告事故",
    Permission.INCIDENTS_COMMAND: "事故处置",
    Permission.WARNINGS_MANAGE: "起草和发布预警",
    Permission.METEOROLOGICAL_WARNINGS: "制作发布气象灾害预警",
    Permission.DUTY_KEEP: "值班值守",
    Permission.DUTIES_SUBMIT: "报送本单位履职任务",
    Permission.SUBSIDY_CASES: "办理到户补贴案件",
    Permission.SUBSIDY_READINGS: "选定有争议条文的理解",
    Permission.OPS_READ: "读取运行指标",
}
