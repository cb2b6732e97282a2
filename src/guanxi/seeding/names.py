"""Realistic customer names for an oilfield-services company's archive."""

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


def credit_code(rng: random.Random) -> str:
    """A well-formed unified social credit code (registration authority 9: enterprises)."""
    region = rng.choice(["110000", "120116", "440800", "440305", "310115", "130200", "460100"])
    organisation = "".join(rng.choice(ALPHABET[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    first17 = "91" + region + organisation
    return first17 + credit_code_check_char(first17)


def partner_name(rng: random.Random, city: str) -> str:
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
    return f"{city}{word}{rng.choice(PARTNER_SUFFIXES)}"
