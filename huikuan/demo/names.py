"""Believable Chinese names, phone numbers, addresses and USCC tax ids for demo data.

Everything is drawn from a ``random.Random`` passed in, so a seed gives the same names. The word
lists are written here on purpose: the demo needs no external data set."""

from __future__ import annotations

import random

from stdnum.cn import uscc

# (city, six-digit administrative division code used in the USCC, districts, roads)
CITIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("上海", "310115", ("浦东新区", "闵行区", "嘉定区", "松江区", "青浦区")),
    ("北京", "110108", ("海淀区", "朝阳区", "丰台区", "大兴区", "顺义区")),
    ("深圳", "440300", ("南山区", "宝安区", "龙岗区", "福田区", "光明区")),
    ("广州", "440100", ("天河区", "黄埔区", "番禺区", "白云区", "花都区")),
    ("苏州", "320500", ("工业园区", "吴中区", "相城区", "昆山市", "常熟市")),
    ("杭州", "330100", ("滨江区", "余杭区", "萧山区", "西湖区", "临平区")),
    ("南京", "320100", ("江宁区", "栖霞区", "浦口区", "建邺区", "雨花台区")),
    ("无锡", "320200", ("新吴区", "滨湖区", "惠山区", "锡山区", "江阴市")),
    ("宁波", "330200", ("鄞州区", "北仑区", "镇海区", "慈溪市", "余姚市")),
    ("武汉", "420100", ("东湖新技术开发区", "江夏区", "汉阳区", "蔡甸区", "黄陂区")),
    ("成都", "510100", ("高新区", "武侯区", "双流区", "郫都区", "龙泉驿区")),
    ("西安", "610100", ("雁塔区", "未央区", "长安区", "高陵区", "临潼区")),
    ("长沙", "430100", ("岳麓区", "雨花区", "望城区", "长沙县", "开福区")),
    ("郑州", "410100", ("金水区", "中原区", "管城回族区", "新郑市", "荥阳市")),
    ("青岛", "370200", ("黄岛区", "城阳区", "崂山区", "即墨区", "李沧区")),
    ("济南", "370100", ("历下区", "历城区", "槐荫区", "章丘区", "天桥区")),
    ("合肥", "340100", ("蜀山区", "包河区", "庐阳区", "肥西县", "瑶海区")),
    ("厦门", "350200", ("思明区", "湖里区", "集美区", "海沧区", "同安区")),
    ("东莞", "441900", ("松山湖", "长安镇", "虎门镇", "塘厦镇", "常平镇")),
    ("佛山", "440600", ("顺德区", "南海区", "禅城区", "三水区", "高明区")),
    ("天津", "120116", ("滨海新区", "西青区", "津南区", "东丽区", "武清区")),
    ("重庆", "500000", ("渝北区", "九龙坡区", "江北区", "沙坪坝区", "璧山区")),
    ("常州", "320400", ("武进区", "新北区", "天宁区", "钟楼区", "金坛区")),
    ("嘉兴", "330400", ("南湖区", "秀洲区", "嘉善县", "平湖市", "海宁市")),
)

ROADS = (
    "人民路", "中山路", "解放路", "建设路", "科技路", "创业大道", "高新大道", "工业园路", "金桥路",
    "长江路", "黄河路", "新华路", "光明路", "振兴路", "发展大道", "纬二路", "经三路", "环城东路",
)  # fmt: skip

# Characters that make up trade names (字号); two are picked, so there are ~1,600 combinations.
TRADE_NAME_CHARS = (
    "华恒鑫永中博天金瑞宏志新万嘉德汇锦联海正盛通达泰丰源安康明光远景祥和信晟昊辰凯弘睿铭航宇润泽诚顺昌隆"
)
INDUSTRIES = (
    "智能科技", "机械设备", "电子科技", "自动化设备", "精密制造", "新材料", "环保科技", "建设工程",
    "物流", "医疗器械", "食品", "汽车零部件", "电气", "化工", "信息技术", "光电科技", "纺织",
    "包装材料", "能源科技", "生物科技", "仪器仪表", "机电工程", "供应链管理", "检测技术",
)  # fmt: skip

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤"
)
GIVEN_NAMES = (
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "志强", "文", "华", "鹏", "辉", "丹", "萍",
    "斌", "宇", "浩", "凯", "健", "俊", "帆", "旭", "宁", "婷", "雪", "琳", "晨", "欣", "悦", "博",
    "子轩", "梓涵", "思远", "嘉怡", "雨萱", "浩然", "建国", "海燕", "晓东", "丽娟", "国强", "春梅",
)  # fmt: skip
CONTACT_ROLES = ("财务经理", "采购经理", "总经理", "出纳", "会计", "项目经理", "财务总监")
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156",
    "158", "159", "166", "176", "177", "180", "181", "185", "186", "187", "188", "189", "199",
)  # fmt: skip

_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def company_name(rng: random.Random) -> tuple[str, int]:
    """A company name and the index of its city in CITIES (for the address and the tax id)."""
    city_index = rng.randrange(len(CITIES))
    trade = "".join(rng.sample(TRADE_NAME_CHARS, 2))
    suffix = "股份有限公司" if rng.random() < 0.2 else "有限公司"
    return f"{CITIES[city_index][0]}{trade}{rng.choice(INDUSTRIES)}{suffix}", city_index


def unique_company_names(rng: random.Random, count: int) -> list[tuple[str, int]]:
    """``count`` different company names; names repeat at scale, so later ones get a branch suffix."""
    seen: set[str] = set()
    result: list[tuple[str, int]] = []
    while len(result) < count:
        name, city = company_name(rng)
        if name in seen:
            name = name.replace("有限公司", f"{rng.choice(CITIES[city][2])}分公司有限公司", 1)
            if name in seen:
                continue
        seen.add(name)
        result.append((name, city))
    return result


def address(rng: random.Random, city_index: int) -> str:
    city, _code, districts = CITIES[city_index]
    return f"{city}市{rng.choice(districts)}{rng.choice(ROADS)}{rng.randint(1, 2999)}号"


def organization_code(body: str) -> str:
    """The 9-character organization code (GB 11714) of an 8-digit body: the body plus its check."""
    total = sum(int(char) * weight for char, weight in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def tax_id(rng: random.Random, city_index: int) -> str:
    """A valid unified social credit code: 9 (market regulator), 1 (enterprise), the region, a
    valid organization code and the USCC check character."""
    first17 = "91" + CITIES[city_index][1] + organization_code(f"{rng.randrange(10**8):08d}")
    return first17 + uscc.calc_check_digit(first17)
