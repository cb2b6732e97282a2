"""Pools of Chinese names, places and words, drawn from Faker's zh_CN data once.

Drawing from lists with a seeded `random.Random` is a hundred times faster than calling
Faker per row, and it keeps the data deterministic: the same seed gives the same rows.
"""

from __future__ import annotations

import itertools
import random
import unicodedata
from functools import lru_cache

from faker.providers.address.zh_CN import Provider as AddressProvider
from faker.providers.company.zh_CN import Provider as CompanyProvider
from faker.providers.person.zh_CN import Provider as PersonProvider

from guanxi.customers.keys import name_key, pinyin_keys
from guanxi.seeding.names import GOVERNMENT, OIL_COMPANIES, PARTNER_SUFFIXES

SURNAMES: tuple[str, ...] = tuple(PersonProvider.last_names)
SURNAME_CUMULATIVE: tuple[float, ...] = tuple(
    itertools.accumulate(float(w) for w in PersonProvider.last_names.values())
)
GIVEN: tuple[str, ...] = tuple(PersonProvider.first_names)
CITIES: tuple[str, ...] = tuple(AddressProvider.cities)
PROVINCES: tuple[str, ...] = tuple(AddressProvider.provinces)
DISTRICTS: tuple[str, ...] = tuple(AddressProvider.districts)
COMPANY_WORDS: tuple[str, ...] = tuple(CompanyProvider.company_prefixes)
COMPANY_SUFFIXES: tuple[str, ...] = (*PARTNER_SUFFIXES, *CompanyProvider.company_suffixes)
STREET_WORDS: tuple[str, ...] = ("人民", "解放", "建设", "中山", "胜利", "黄河", "长江", "海滨")
BIG_CUSTOMERS: tuple[str, ...] = (*OIL_COMPANIES, *GOVERNMENT)
POSITIONS: tuple[str, ...] = (
    "总经理",
    "副总经理",
    "总工程师",
    "采办部经理",
    "工程技术部主任",
    "项目经理",
    "财务总监",
    "钻井监督",
    "HSE经理",
    "商务经理",
)
DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("headquarters", "总部"),
    ("department", "工程技术部"),
    ("department", "物资采办部"),
    ("branch", "钻完井作业中心"),
    ("subsidiary", "技术服务公司"),
)
OPERATIONS: tuple[str, ...] = (
    "渤海钻井作业",
    "定向井技术服务",
    "固井作业",
    "测井作业",
    "修井作业",
    "三维地震采集",
)
SEAS: tuple[str, ...] = ("渤海湾", "南海东部", "南海西部", "东海")


def person_name(rng: random.Random) -> tuple[str, str]:
    """(surname, given name), surnames as frequent as in Faker's zh_CN data."""
    return rng.choices(SURNAMES, cum_weights=SURNAME_CUMULATIVE)[0], rng.choice(GIVEN)


def person_initials(surname: str, given: str) -> str:
    return _part_keys(surname)[1] + _part_keys(given)[1]


# registration-authority 9 (enterprises) + a region code, as seeding.names.credit_code draws
CREDIT_PREFIXES: tuple[str, ...] = tuple(
    f"91{region}" for region in ("110000", "120116", "440800", "440305", "310115", "130200")
)


def customer_name_parts(rng: random.Random, index: int) -> tuple[str, ...]:
    """A company or authority name in parts; every 500th is a well-known customer's project."""
    if index % 500 == 0:
        return (rng.choice(BIG_CUSTOMERS) + rng.choice(DISTRICTS), "项目部")
    return (rng.choice(CITIES), rng.choice(COMPANY_WORDS), rng.choice(COMPANY_SUFFIXES))


def address(rng: random.Random) -> str:
    return (
        f"{rng.choice(PROVINCES)}{rng.choice(CITIES)}市{rng.choice(DISTRICTS)}区"
        f"{rng.choice(STREET_WORDS)}路{rng.randint(1, 999)}号"
    )


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


@lru_cache(maxsize=65536)
def _part_keys(part: str) -> tuple[str, str]:
    """Keys of a name part (a city, a company word): names repeat their parts endlessly."""
    return pinyin_keys(part)


def search_keys(parts: tuple[str, ...]) -> tuple[str, str, str]:
    """(pinyin, initials, name key) of a name made of `parts`, from cached per-part keys.

    Per part rather than per character so polyphonic characters read as in their word
    (重庆 → chongqing), exactly as `customers.keys.pinyin_keys` reads the whole name.
    """
    keys = [_part_keys(p) for p in parts]
    return "".join(k[0] for k in keys), "".join(k[1] for k in keys), _name_key(parts)


_ANCHOR = "甲"  # a character no legal-form suffix ends with: stands in for the name's head


@lru_cache(maxsize=4096)
def _head(part: str) -> str:
    return unicodedata.normalize("NFKC", part).lower()


@lru_cache(maxsize=65536)
def _tail_key(tail: str) -> str:
    return name_key(_ANCHOR + tail)[1:]


def _name_key(parts: tuple[str, ...]) -> str:
    """`customers.keys.name_key` of the joined parts, from cached pieces: the suffix
    stripping only ever eats into the last parts, which are computed behind an anchor."""
    if len(parts) != 3 or not parts[0].isalpha():
        return name_key("".join(parts))
    return _head(parts[0]) + _tail_key(parts[1] + parts[2])


# Relationship history, contract summaries and market reports ------------------------------------

RELATIONSHIP_FIRST_NOTES: tuple[str, ...] = (
    "建立关键人物关系档案",
    "首次拜访后建档",
    "合同启动时建档，明确对口联系人",
    "经客户采办部门引荐结识，建立联系",
    "技术交流会后建档",
)
# why a relationship reached its current state, keyed by that state (RelationshipState)
RELATIONSHIP_CHANGE_NOTES: dict[str, tuple[str, ...]] = {
    "positive": (
        "高层拜访后关系升温，对我方方案表示支持",
        "技术交流后态度转为积极",
        "合同续签后关系更加稳固",
    ),
    "neutral": (
        "多次业务接触后建立初步联系",
        "经项目合作相互了解，态度中立",
        "岗位调整后重新评估，暂持观望态度",
    ),
    "negative": (
        "因作业延误投诉，关系有所疏远",
        "价格谈判分歧较大，态度转冷",
        "倾向竞争对手方案，需重点做工作",
    ),
    "none": (
        "岗位调整，重新评估其在采购决策中的角色",
        "新任采办负责人，采购角色待进一步了解",
    ),
}
CONTRACT_SUMMARIES: tuple[str, ...] = (
    "合同按期完成，作业质量达到甲方要求，客户评价良好。",
    "作业过程中克服海况影响，提前三天完成全部工作量，实现安全零事故。",
    "合同执行顺利，各项技术指标均满足设计要求，结算已全部完成。",
    "完成全部井段作业，个别井段因地层复杂有所延误，整体满足合同要求。",
    "设备完好率保持在98%以上，客户对服务响应速度表示满意。",
    "合同工作量较计划增加约两成，经双方协商签订补充协议，收入超出预期。",
)
CONTRACT_PROBLEMS: tuple[str, ...] = (
    "",
    "前期设备动员时间偏长，今后应提前储备关键备件。",
    "变更签证办理滞后，影响结算进度，需专人跟踪。",
    "与甲方现场监督沟通不足，今后应建立周例会制度。",
    "部分人员资质证书临近到期，应提前组织培训复审。",
    "投标报价对海况待机风险估计不足，利润低于预期。",
)
MARKET_NEWS: tuple[str, ...] = (
    "油公司加大勘探投资，钻井工作量同比增长约一成半",
    "区块开发方案调整，调整井数量明显增加",
    "国际油价震荡，部分作业者推迟新项目开工",
    "竞争对手以低价中标两口探井，价格竞争加剧",
    "主要客户启动年度服务框架招标，预计下月开标",
    "海上风电项目集中开工，带动相关海工服务需求",
    "客户推进数字化油田建设，对随钻测量服务需求上升",
    "安全环保监管趋严，作业许可审批周期延长",
    "客户压减成本，要求服务价格下调百分之五",
    "新发现油田进入评价阶段，试油测试需求增加",
)
MAJOR_NEWS: tuple[str, ...] = (
    "主要客户组织机构调整，采办部门合并",
    "客户发生井控险情，所辖平台作业全部暂停检查",
    "国家出台海洋油气勘探开发新政策",
    "主要竞争对手被并购重组",
    "客户宣布新建深水开发项目，总投资逾百亿元",
)

# Key-customer visits ------------------------------------------------------------------------------

VISIT_THEMES: tuple[str, ...] = (
    "年度高层拜访",
    "钻完井一体化服务合作洽谈",
    "技术交流与新产品推介",
    "合同执行情况沟通",
    "年度服务质量回访",
    "新区块开发方案交流",
    "框架协议续签洽谈",
)
INCOMING_THEMES: tuple[str, ...] = (
    "客户领导来访考察",
    "客户技术团队来访交流",
    "客户采办部门来访座谈",
    "客户参观基地与实验室",
)
VISIT_PURPOSES: tuple[str, ...] = (
    "巩固合作关系，了解客户下一年度作业计划",
    "推介新技术新工艺，争取试验井",
    "沟通合同执行中的问题，协调解决方案",
    "了解客户对服务质量的评价和改进要求",
    "落实框架协议续签条件与价格调整",
)
VISIT_MATTERS: tuple[str, ...] = (
    "年度合作框架、新技术应用、价格调整",
    "作业计划衔接与设备动员安排",
    "结算进度与变更签证",
    "安全管理与人员资质要求",
    "试验井方案与技术指标",
)
VISIT_PREPARATIONS: tuple[str, ...] = (
    "预订会议室，准备公司宣传片与汇报材料",
    "安排基地参观路线，提前进行安全培训",
    "准备技术交流材料与工具样品",
    "安排接送车辆与工作餐",
    "",
)
VISITORS: tuple[str, ...] = ("", "", "对方随行人员二名", "对方技术人员三名", "公司领导一名")
VISIT_SUMMARIES: tuple[str, ...] = (
    "双方回顾了上年合作，客户对作业时效表示满意，希望加强技术交流。",
    "客户介绍了明年钻井计划，预计工作量增加约两成，邀请我方参与招标。",
    "就结算滞后问题达成一致，客户承诺月底前完成审批。",
    "客户对新型随钻测井工具表示兴趣，同意安排一口试验井。",
    "客户对近期一次设备故障提出意见，我方说明了整改措施，客户表示认可。",
    "双方就框架协议续签条件交换意见，价格问题待下次会谈确定。",
)
ITINERARY_ACTIVITIES: tuple[str, ...] = (
    "座谈会",
    "参观作业现场",
    "技术交流会",
    "工作午餐",
    "参观基地与实验室",
    "高层会谈",
    "签署会谈纪要",
)
ITINERARY_TIMES: tuple[str, ...] = ("09:00", "09:30", "10:30", "14:00", "14:30", "16:00")
OUTGOING_PLACES: tuple[str, ...] = ("客户总部会议室", "客户项目部", "作业平台", "钻完井作业中心")
INCOMING_PLACES: tuple[str, ...] = ("公司总部会议室", "基地实验室", "培训中心", "陆地支持基地")
FOLLOW_UPS: tuple[str, ...] = (
    "提交技术交流方案",
    "报送新工艺试验井方案",
    "协调结算审批进度",
    "落实设备整改并反馈客户",
    "邀请客户参加技术开放日",
    "整理会谈纪要并报送客户",
    "提供同类区块应用案例",
)
FOLLOW_UP_PROGRESS: tuple[str, ...] = (
    "已完成并反馈客户",
    "方案已报送，客户确认收到",
    "已按期办结",
    "客户已书面确认",
)

# Annual customer plans --------------------------------------------------------------------------

PLAN_SUMMARIES: tuple[str, ...] = (
    "巩固主力服务份额，拓展测井与固井业务。",
    "稳住钻井服务基本盘，争取一体化总包项目。",
    "以技术交流带动新产品应用，提高单井服务收入。",
    "修复上年服务质量问题造成的影响，恢复客户信任。",
)
STRENGTHS: tuple[str, ...] = (
    "服务响应快，装备齐全",
    "长期合作，现场队伍熟悉客户作业规范",
    "技术实力强，拥有自主知识产权工具",
)
WEAKNESSES: tuple[str, ...] = (
    "价格竞争力一般",
    "部分装备老化，作业时效不稳定",
    "高层沟通渠道较少",
)
OPPORTUNITIES: tuple[str, ...] = (
    "客户新开调整井，工作量增加",
    "客户推进降本增效，一体化服务受青睐",
    "新区块进入开发阶段",
)
THREATS: tuple[str, ...] = (
    "民营服务商低价竞争",
    "国际服务公司重返市场",
    "客户投资计划存在压减可能",
)
COMPETITION: tuple[str, ...] = (
    "主要竞争对手为两家民营油服企业，价格低百分之八至十。",
    "国际服务公司在高端测井市场仍占优势。",
    "竞争对手近期与客户签订了长期框架协议。",
)
ASSESSMENTS: tuple[str, ...] = (
    "关系处于成长期，决策层态度积极。",
    "合作稳定，但使用部门对时效有意见。",
    "关系良好，需防范竞争对手低价切入。",
)
OBJECTIVES: tuple[str, ...] = (
    "合同额同比增长百分之十五",
    "新签一体化服务合同一份",
    "新技术试验井两口以上",
    "保持市场份额，客户满意度九十分以上",
)
REVENUE_NOTES: tuple[str, ...] = (
    "",
    "重点跟踪二季度招标，提前做好技术准备。",
    "价格下调压力大，以增加工作量保利润。",
)
PLAN_ACTIONS: tuple[str, ...] = (
    "组织技术交流会",
    "安排高层拜访",
    "提交年度服务方案",
    "参加框架协议招标",
    "开展服务质量回访",
    "邀请客户参加技术开放日",
    "组织新工具现场试验",
)
PLAN_PROJECTS: tuple[str, ...] = (
    "钻井服务",
    "测井技术服务",
    "固井作业服务",
    "定向井服务",
    "完井服务",
    "修井作业",
)
REVENUE_ROW_NOTES: tuple[str, ...] = ("", "", "框架协议内", "需参加公开招标", "续签项目")

# Campaigns --------------------------------------------------------------------------------------

CAMPAIGN_PRODUCTS: tuple[str, ...] = (
    "随钻测井 LWD",
    "旋转导向钻井系统",
    "深水固井服务",
    "智能完井系统",
    "油田化学增产服务",
    "海上风电安装支持",
    "数字化钻井监控平台",
    "低渗油藏压裂服务",
)
CAMPAIGN_DESCRIPTIONS: tuple[str, ...] = (
    "面向各油公司推广{product}，各单位摸排合作意向并及时反馈。",
    "结合客户降本增效需求推介{product}，各单位每月汇报推进情况。",
    "{product}已完成现场试验，请各单位向重点客户介绍并争取应用。",
)
# what a unit notes about a campaign target, keyed by its progress (TargetStatus)
TARGET_NOTES: dict[str, tuple[str, ...]] = {
    "not_started": ("",),
    "promoted": ("已向客户技术部门介绍", "已发送产品资料", ""),
    "negotiating": ("客户要求提供应用案例", "等待客户年度预算批复", "价格商谈中"),
    "contracted": ("已签订服务合同", "已纳入框架协议"),
    "declined": ("客户暂无需求", "客户选择竞争对手产品", "预算未获批复"),
}

# The information-and-meaning table (003 附表5): per topic, what was learned and what it means.
INFORMATION: dict[str, tuple[tuple[str, str], ...]] = {
    "industry": (
        ("渤海湾区块今年新钻井数较去年增加约两成", "钻井与固井服务需求上升，需提前调配船舶"),
        ("国际油价回升，客户上调下半年勘探投资", "物探与测井项目招标可能提前，应准备技术方案"),
        ("南海东部深水项目进入开发期", "深水作业装备与技术服务有增量空间"),
        ("同类服务商在东海区域报价下降约一成", "价格竞争加剧，需突出服务质量与响应速度"),
    ),
    "plans": (
        ("客户计划三年内建成两个智能油田示范区", "数字化与随钻测量服务可作为重点推介方向"),
        ("客户明年将启动老油田综合调整项目", "增产措施与修井服务需求将增加"),
        ("客户拟将部分陆地支持业务集中采购", "需准备框架协议投标，争取长期合作"),
        ("客户年度工作会提出降本增效目标", "应提供一体化服务方案，降低客户综合成本"),
    ),
    "organisation": (
        ("客户钻完井部更换了主管领导", "需尽快安排拜访，建立新的联系渠道"),
        ("客户采购部门调整为集中管理", "采购决策链变化，需重新梳理关键人物关系"),
        ("客户成立了数字化转型领导小组", "信息化相关服务的决策人和影响人发生变化"),
        ("客户生产部与工程技术部合并", "对接部门减少，沟通效率可提高"),
    ),
    "investment": (
        ("客户批准了新建生产平台的投资计划", "平台建设期的工程与技术服务存在合作机会"),
        ("客户追加了调整井的年度投资", "钻井与完井服务工作量将增加"),
        ("客户计划投资建设海上风电配套设施", "可关注新能源业务的协同服务需求"),
        ("客户压缩了非生产性投资", "营销费用与关怀活动应更加注重实效"),
    ),
}
