"""Severity ladders shared by every plan; 1 is always the most severe, so "most severe" is min()."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Grade(IntEnum):
    """事故等级 (Decree 493 第三条)."""

    EXTRAORDINARY = 1  # 特别重大
    MAJOR = 2  # 重大
    LARGER = 3  # 较大
    ORDINARY = 4  # 一般

    @property
    def label(self) -> str:
        return GRADE_LABELS[self]


GRADE_LABELS = {
    Grade.EXTRAORDINARY: "特别重大",
    Grade.MAJOR: "重大",
    Grade.LARGER: "较大",
    Grade.ORDINARY: "一般",
}


class WarningLevel(IntEnum):
    """预警级别: 红 (1) / 橙 (2) / 黄 (3) / 蓝 (4)."""

    RED = 1  # 红色 Ⅰ级
    ORANGE = 2  # 橙色 Ⅱ级
    YELLOW = 3  # 黄色 Ⅲ级
    BLUE = 4  # 蓝色 Ⅳ级

    @property
    def label(self) -> str:
        return WARNING_LABELS[self]


WARNING_LABELS = {
    WarningLevel.RED: "红色",
    WarningLevel.ORANGE: "橙色",
    WarningLevel.YELLOW: "黄色",
    WarningLevel.BLUE: "蓝色",
}


class Condition(StrEnum):
    """Named facts an officer asserts that plans use as response triggers (not derivable from counts)."""

    BEYOND_ENTERPRISE_CAPACITY = "beyond_enterprise_capacity"  # 超出企业处置能力
    BEYOND_COUNTY_CAPACITY = "beyond_county_capacity"  # 超出旗县区（旗区）政府处置能力
    BEYOND_CITY_CAPACITY = "beyond_city_capacity"  # 超出市政府处置能力
    CROSS_COUNTY = "cross_county"  # 跨旗县区
    CROSS_CITY = "cross_city"  # 跨市（盟市）
    MULTI_SECTOR = "multi_sector"  # 涉及2个以上行业领域
    LEADER_INSTRUCTION = "leader_instruction"  # 上级领导重要批示
    SENSITIVE = "sensitive"  # 敏感事故、舆情热点、重点地区、重要会议或重大活动期间


CONDITION_LABELS = {
    Condition.BEYOND_ENTERPRISE_CAPACITY: "超出企业处置能力",
    Condition.BEYOND_COUNTY_CAPACITY: "超出旗县区政府处置能力",
    Condition.BEYOND_CITY_CAPACITY: "超出市政府处置能力",
    Condition.CROSS_COUNTY: "跨旗县区",
    Condition.CROSS_CITY: "跨市",
    Condition.MULTI_SECTOR: "涉及2个以上行业领域",
    Condition.LEADER_INSTRUCTION: "上级领导有重要批示",
    Condition.SENSITIVE: "敏感事故（特殊时段、特殊地点、舆情热点）",
}
