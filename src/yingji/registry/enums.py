"""Registry vocabularies: stable English values, Chinese labels for display and import."""

from __future__ import annotations

from yingji.core.labels import LabelledEnum


class DivisionLevel(LabelledEnum):
    """GB/T 2260 levels (city: 市、盟; county: 旗、县、区、县级市; town: 镇、苏木、街道)."""

    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "旗县区级"
    TOWN = "town", "乡镇（苏木、街道）级"
    COMMUNITY = "community", "村（社区、嘎查）级"


class OrganisationKind(LabelledEnum):
    """Departments include HQ member units; other: 事业单位、社会组织等."""

    GOVERNMENT = "government", "人民政府"
    DEPARTMENT = "department", "政府部门"
    ENTERPRISE = "enterprise", "企业"
    RESCUE = "rescue", "救援机构"
    OTHER = "other", "其他单位"


class EnterpriseSector(LabelledEnum):
    COAL_MINE = "coal_mine", "煤矿"
    NON_COAL_MINE = "non_coal_mine", "非煤矿山"
    HAZARDOUS_CHEMICALS = "hazardous_chemicals", "危险化学品"
    INDUSTRY_TRADE = "industry_trade", "工贸"
    GRAIN = "grain", "粮食和物资储备"  # the recurring duties of 004's sub-plans name these sectors' enterprises
    POWER = "power", "电力"
    FORESTRY = "forestry", "林草"
    OTHER = "other", "其他"


class MineKind(LabelledEnum):
    COAL_UNDERGROUND = "coal_underground", "井工煤矿"
    COAL_OPEN_PIT = "coal_open_pit", "露天煤矿"
    NON_COAL_UNDERGROUND = "non_coal_underground", "地下非煤矿山"
    NON_COAL_OPEN_PIT = "non_coal_open_pit", "露天非煤矿山"


class MineStatus(LabelledEnum):
    PRODUCING = "producing", "生产"
    CONSTRUCTION = "construction", "建设"
    SUSPENDED = "suspended", "停产停建"
    CLOSED = "closed", "关闭"


class StandardisationGrade(LabelledEnum):
    LEVEL_1 = "level_1", "安全生产标准化一级"
    LEVEL_2 = "level_2", "安全生产标准化二级"
    LEVEL_3 = "level_3", "安全生产标准化三级"
    NONE = "none", "未达标"


class PondStatus(LabelledEnum):
    OPERATING = "operating", "运行"
    STANDBY = "standby", "停用"
    CLOSING = "closing", "闭库中"
    CLOSED = "closed", "已闭库"
    SEALED = "sealed", "已销库"


class TeamKind(LabelledEnum):
    MINE_RESCUE = "mine_rescue", "矿山救护"
    FIRE = "fire", "消防救援"
    HAZMAT = "hazmat", "危化品救援"
    MEDICAL = "medical", "医疗救护"
    ENGINEERING = "engineering", "工程抢险"
    SOCIAL = "social", "社会救援力量"
    OTHER = "other", "其他"


class ResourceLevel(LabelledEnum):
    NATIONAL = "national", "国家级"
    REGIONAL = "regional", "自治区级"
    CITY = "city", "市级"
    COUNTY = "county", "旗县区级"
    ENTERPRISE = "enterprise", "企业"


class ShelterKind(LabelledEnum):
    INDOOR = "indoor", "室内"
    OUTDOOR = "outdoor", "室外"


class ResourceKind(LabelledEnum):
    """What the nearest-resources search can look for."""

    RESCUE_TEAM = "rescue_team", "救援队伍"
    EXPERT = "expert", "专家"
    DEPOT = "depot", "储备库"
    SHELTER = "shelter", "避难场所"
    TRANSPORT = "transport", "运输保障"
