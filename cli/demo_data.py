"""Deterministic demo data: enterprises, projects and sample scores (names are fictitious)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from models.credit_code import ALPHABET, check_character

SEED = 2026
PERIOD = "2026"
DEMO_PASSWORD = "Demo@2026qd"

TRADE_NAMES = [
    "海川",
    "鲁青",
    "琴岛",
    "崂峰",
    "胶澳",
    "瑞丰",
    "恒泰",
    "华建",
    "青建",
    "泰安",
    "盛达",
    "鑫源",
    "宏图",
    "海晟",
    "金鼎",
    "中润",
    "东方",
    "融城",
    "凯旋",
    "安澜",
    "广厦",
    "正弘",
    "泓远",
    "海岳",
    "德信",
    "兴业",
    "远洋",
    "博远",
    "国泰",
    "佳和",
]
OUT_OF_TOWN = ["济南", "潍坊", "烟台", "江苏", "浙江", "北京", "河北", "安徽"]
PROJECT_TYPES = ["住宅小区", "商业综合体", "学校教学楼", "医院门诊楼", "安置房", "产业园厂房", "办公楼", "地下车库"]
# demo accounts' people: surname and given name, combined in turn (no two accounts share a name)
SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗"]
GIVEN_NAMES = ["建国", "海燕", "志强", "秀兰", "明辉", "丽娜", "文博", "晓东", "春梅", "国庆", "雪松", "佳怡", "立新"]
MANAGERS = ["张伟", "王磊", "李强", "刘洋", "陈杰", "杨帆", "赵勇", "黄涛", "周鹏", "吴斌"]


@dataclass(frozen=True)
class DemoEnterprise:
    name: str
    credit_code: str
    district_code: str
    is_local: bool
    licence_no: str


@dataclass(frozen=True)
class DemoProject:
    name: str
    permit_no: str
    enterprise_code: str
    district_code: str
    manager: str
    area: int


def credit_code(rng: random.Random) -> str:
    """A code with a valid GB 32100 check character (企业: 91; region 3702xx)."""
    body = "91" + "3702" + rng.choice(["02", "03", "11", "12", "13", "14", "15", "81", "83", "85"])
    body += "".join(rng.choice(ALPHABET[:10] + "ABCDEFGH") for _ in range(9))
    return body + check_character(body)


def enterprises(district_codes: list[str], count: int = 30, non_local: int = 8, city: str = "青岛") -> list[DemoEnterprise]:
    """``city`` names the local enterprises (the pack's region without 市); others come from elsewhere."""
    rng = random.Random(SEED)
    elsewhere = [place for place in ("青岛", *OUT_OF_TOWN) if place != city][: len(OUT_OF_TOWN)]
    found = []
    for index in range(count):
        local = index < count - non_local
        trade = TRADE_NAMES[index % len(TRADE_NAMES)]
        name = f"{city}{trade}建设集团有限公司" if local else f"{elsewhere[index % len(elsewhere)]}{trade}建工有限公司"
        found.append(
            DemoEnterprise(
                name=name,
                credit_code=credit_code(rng),
                district_code=district_codes[index % len(district_codes)],
                is_local=local,
                licence_no=f"（鲁）JZ安许证字[2024]{20000 + index:06d}",
            )
        )
    return found


def projects(companies: list[DemoEnterprise], district_codes: list[str], per_enterprise: int = 2) -> list[DemoProject]:
    rng = random.Random(SEED + 1)
    found = []
    for index, company in enumerate(companies):
        for n in range(per_enterprise):
            district = company.district_code if n == 0 else rng.choice(district_codes)
            kind = PROJECT_TYPES[(index + n) % len(PROJECT_TYPES)]
            found.append(
                DemoProject(
                    name=f"{company.name[:-6]}承建{kind}{n + 1}期工程",
                    permit_no=f"3702{index:03d}{n:02d}2026{rng.randint(1000, 9999)}",
                    enterprise_code=company.credit_code,
                    district_code=district,
                    manager=MANAGERS[(index + n) % len(MANAGERS)],
                    area=rng.randint(8, 120) * 1000,
                )
            )
    return found


def sample_score(maximum: float, rng: random.Random, places: int = 1) -> float:
    """A plausible self score: 70-100 % of the item's max."""
    return round(maximum * rng.uniform(0.7, 1.0), places)


def person_name(index: int) -> tuple[str, str]:
    """(surname, given name) of the ``index``-th demo account."""
    return SURNAMES[index % len(SURNAMES)], GIVEN_NAMES[index % len(GIVEN_NAMES)]
