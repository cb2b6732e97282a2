"""Realistic customer names for the demo archive, by the industries the policy names.

Each preset's `industry` dimension says which market the company serves (oilfield services,
telecom construction, gas sales); the names below are drawn from the pools of those industries,
so every preset's demo reads like its own archive."""

from __future__ import annotations

import random

from guanxi.customers.validators import ALPHABET, credit_code_check_char

OIL_COMPANIES = [
    "中海石油（中国）有限公司天津分公司",
    "中海石油（中国）有限公司湛江分公司",
    "中海石油（中国）有限公司深圳分公司",
    "中海石油（中国）有限公司上海分公司",
    "中国石油天然气股份有限公司大港油田分公司",
    "中国石油天然气股份有限公司长庆油田分公司",
    "中国石油化工股份有限公司胜利油田分公司",
    "中国石油化工股份有限公司中原油田分公司",
    "延长油田股份有限公司",
    "中联煤层气有限责任公司",
    "中国石油天然气股份有限公司塔里木油田分公司",
    "中国石油化工股份有限公司西北油田分公司",
    "中海油能源发展股份有限公司",
    "中国石油天然气股份有限公司辽河油田分公司",
    "中石化海洋石油工程有限公司",
    "壳牌（中国）有限公司",
    "康菲石油中国有限公司",
    "哈斯基能源（中国）有限公司",
    "印度尼西亚国家石油公司北京代表处",
    "科威特国家石油公司中国代表处",
]
GOVERNMENT = [
    "天津市滨海新区发展和改革委员会",
    "湛江市人民政府国有资产监督管理委员会",
    "深圳市南山区工业和信息化局",
    "上海市浦东新区商务委员会",
    "广东省能源局",
    "天津市应急管理局",
    "国家能源局华北监管局",
    "海南省自然资源和规划厅",
    "北京市朝阳区人民政府",
    "河北省曹妃甸工业区管理委员会",
]
PARTNER_SUFFIXES = [
    "石油技术服务有限公司",
    "海洋工程有限公司",
    "能源科技股份有限公司",
    "钻井装备有限公司",
    "油气工程技术有限公司",
    "测井技术有限公司",
]


OPERATORS = [
    "中国移动通信集团北京有限公司",
    "中国移动通信集团广东有限公司",
    "中国电信股份有限公司上海分公司",
    "中国电信股份有限公司四川分公司",
    "中国联合网络通信有限公司天津市分公司",
    "中国联合网络通信有限公司湖北省分公司",
    "中国铁塔股份有限公司陕西省分公司",
    "中国广电网络股份有限公司",
]
EQUIPMENT_VENDORS = [
    "华为技术有限公司",
    "中兴通讯股份有限公司",
    "烽火通信科技股份有限公司",
    "上海诺基亚贝尔股份有限公司",
    "爱立信（中国）通信有限公司",
    "大唐移动通信设备有限公司",
]
GAS_BUYERS = [
    "广州燃气集团有限公司",
    "深圳市燃气集团股份有限公司",
    "福建省天然气有限责任公司",
    "海南中海石油天然气发电有限公司",
    "中海石油化学股份有限公司",
    "浙江浙能天然气运行有限公司",
    "珠海深能洪湾电力有限公司",
    "上海燃气有限公司",
]
GOVERNMENT_ENTERPRISE = [
    "国家电网有限公司信息通信分公司",
    "北京市政务服务和数据管理局",
    "广东省交通集团有限公司",
    "中国南方航空股份有限公司信息中心",
]
# The big names of each industry key a preset may use, and the suffixes of its smaller firms.
POOLS: dict[str, list[str]] = {
    "domestic_oil": OIL_COMPANIES,
    "international_oil": OIL_COMPANIES,
    "government": GOVERNMENT,
    "operator": OPERATORS,
    "equipment_vendor": EQUIPMENT_VENDORS,
    "government_enterprise": GOVERNMENT_ENTERPRISE,
    "city_gas": GAS_BUYERS,
    "power": GAS_BUYERS,
    "chemical": GAS_BUYERS,
}
SUFFIXES: dict[str, list[str]] = {
    "partner": PARTNER_SUFFIXES,
    "operator": ["通信工程有限公司", "信息技术有限公司", "网络科技有限公司", "通信设计院有限公司"],
    "city_gas": ["燃气有限公司", "能源发展有限公司", "天然气利用有限公司", "热电有限公司"],
}
GENERIC_SUFFIXES = ["科技有限公司", "实业有限公司", "发展有限公司"]


def pools_for(industries: list[str]) -> list[list[str]]:
    """The name pools of the policy's industries, each once, in the policy's order."""
    pools: list[list[str]] = []
    for key in industries:
        pool = POOLS.get(key)
        if pool is not None and all(pool is not other for other in pools):
            pools.append(pool)
    return pools or [GOVERNMENT]


def suffixes_for(industries: list[str]) -> list[str]:
    return next((SUFFIXES[key] for key in industries if key in SUFFIXES), GENERIC_SUFFIXES)


def credit_code(rng: random.Random) -> str:
    """A well-formed unified social credit code (registration authority 9: enterprises)."""
    region = rng.choice(["110000", "120116", "440800", "440305", "310115", "130200", "460100"])
    organisation = "".join(rng.choice(ALPHABET[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    first17 = "91" + region + organisation
    return first17 + credit_code_check_char(first17)


def partner_name(rng: random.Random, city: str, suffixes: list[str] = PARTNER_SUFFIXES) -> str:
    word = rng.choice(
        [
            "海通",
            "中科",
            "华油",
            "恒泰",
            "博源",
            "东方",
            "宏达",
            "振华",
            "蓝海",
            "晟通",
            "金盾",
            "瑞丰",
            "新奥",
            "长城",
            "安捷",
        ]
    )
    return f"{city}{word}{rng.choice(suffixes)}"
