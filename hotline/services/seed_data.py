"""Word lists for `hotline seed`: names, phone prefixes, appliances, faults and what people say.

Data only, no logic: `seed` turns these into calls. Frequencies are rough but real: surnames follow
the published shares (王 李 张 are about 7 % each), mobile prefixes the operators' number ranges,
appliance models the naming conventions printed on Chinese nameplates (GB/T model codes such as
KFR-35GW for a 3.5 kW split air conditioner, BCD-470 for a 470 L fridge-freezer).
"""

from __future__ import annotations

SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 7.12), ("李", 7.00), ("张", 6.74), ("刘", 5.38), ("陈", 4.53), ("杨", 3.08),
    ("赵", 2.29), ("黄", 2.23), ("周", 2.12), ("吴", 2.05), ("徐", 1.67), ("孙", 1.54),
    ("胡", 1.31), ("朱", 1.26), ("高", 1.21), ("林", 1.18), ("何", 1.17), ("郭", 1.15),
    ("马", 1.05), ("罗", 0.86), ("梁", 0.84), ("宋", 0.81), ("郑", 0.78), ("谢", 0.72),
    ("韩", 0.68), ("唐", 0.63), ("冯", 0.60), ("于", 0.59), ("董", 0.57), ("萧", 0.56),
    ("程", 0.53), ("曹", 0.53), ("袁", 0.52), ("邓", 0.51), ("许", 0.49), ("傅", 0.49),
    ("沈", 0.48), ("曾", 0.47), ("彭", 0.47), ("吕", 0.46), ("苏", 0.45), ("卢", 0.44),
    ("蒋", 0.44), ("蔡", 0.43), ("贾", 0.41), ("丁", 0.40), ("魏", 0.40), ("薛", 0.39),
    ("叶", 0.38), ("阎", 0.37), ("余", 0.37), ("潘", 0.36), ("杜", 0.35), ("戴", 0.34),
    ("夏", 0.34), ("钟", 0.33), ("汪", 0.32), ("田", 0.32), ("任", 0.31), ("姜", 0.31),
    ("范", 0.30), ("方", 0.30), ("石", 0.29), ("姚", 0.29), ("谭", 0.28), ("廖", 0.28),
    ("邹", 0.27), ("熊", 0.27), ("金", 0.26), ("陆", 0.26), ("郝", 0.25), ("孔", 0.25),
    ("白", 0.24), ("崔", 0.24), ("康", 0.23), ("毛", 0.23), ("邱", 0.23), ("秦", 0.22),
    ("江", 0.22), ("史", 0.21), ("顾", 0.21), ("侯", 0.20), ("邵", 0.20), ("孟", 0.20),
    ("龙", 0.19), ("万", 0.19), ("段", 0.18), ("雷", 0.18), ("钱", 0.18), ("汤", 0.17),
    ("尹", 0.17), ("黎", 0.16), ("易", 0.16), ("常", 0.16), ("武", 0.15), ("乔", 0.15),
    ("贺", 0.15), ("赖", 0.14), ("龚", 0.14), ("文", 0.14), ("欧阳", 0.05), ("司马", 0.01),
    ("诸葛", 0.01), ("上官", 0.01), ("东方", 0.01), ("慕容", 0.005),
)
"""Surname and its share of the population in percent (compound surnames included, rare)."""

GIVEN_MALE = (
    "伟 强 磊 军 洋 勇 杰 涛 明 超 斌 刚 平 辉 鹏 华 飞 鑫 波 宇 浩 凯 健 俊 帆 帅 旭 宁 龙 林 "
    "阳 建 国 志 文 海 峰 亮 成 东 晨 博 然 轩 睿 子 晓 振 宏 家 嘉 毅 坤 瑞 德 永 庆 春 兴 福"
).split()
GIVEN_FEMALE = (
    "芳 娜 敏 静 丽 艳 娟 霞 秀 玲 桂 英 萍 红 燕 雪 琳 婷 慧 颖 倩 洁 佳 梅 莉 兰 丹 欣 怡 "
    "雨 涵 思 悦 琪 晶 璐 珊 蕾 薇 露 月 云 凤 淑 华 文 晓 梦 诗 妍 瑶 馨 宁 萌 可 心 彤 蓉"
).split()
"""Characters of given names; a given name is one or two of them (two about 70 % of the time)."""

MOBILE_PREFIXES: tuple[tuple[str, float], ...] = (
    ("130", 3), ("131", 3), ("132", 3), ("133", 3), ("134", 3), ("135", 5), ("136", 5),
    ("137", 5), ("138", 6), ("139", 6), ("145", 0.5), ("147", 1), ("150", 3), ("151", 3),
    ("152", 3), ("153", 2), ("155", 2), ("156", 2), ("157", 2), ("158", 3), ("159", 3),
    ("166", 1), ("170", 0.5), ("171", 0.3), ("173", 1), ("175", 0.5), ("176", 1), ("177", 1),
    ("178", 1), ("180", 2), ("181", 2), ("182", 2), ("183", 2), ("184", 1), ("185", 2),
    ("186", 3), ("187", 3), ("188", 3), ("189", 3), ("191", 0.5), ("198", 1), ("199", 1.5),
)
"""Mainland mobile prefixes (China Mobile, Unicom, Telecom, virtual operators) and weights."""

AREA_CODES: tuple[tuple[str, float], ...] = (
    ("10", 8), ("21", 8), ("20", 6), ("755", 6), ("22", 3), ("23", 3), ("24", 2), ("25", 3),
    ("27", 3), ("28", 4), ("29", 3), ("571", 4), ("512", 3), ("531", 2), ("532", 2),
    ("731", 2), ("371", 2), ("591", 2), ("551", 2), ("871", 1), ("311", 1), ("431", 1),
    ("451", 1), ("791", 1), ("757", 2), ("769", 2), ("760", 1), ("577", 1), ("574", 1),
    ("510", 1), ("411", 1), ("851", 1),
)
"""Landline area codes without the trunk 0 (010 Beijing, 021 Shanghai, 0755 Shenzhen …), with
weights; subscriber numbers there have 8 digits."""

LANDLINE_FIRST_DIGITS = "234567"
"""First digit of a generated 8-digit subscriber number (0, 1 and 9 are service ranges)."""

CUSTOMER_TAGS: tuple[tuple[str, ...], ...] = (("VIP",), ("老客户",), ("易投诉",), ("企业客户",))
"""Tags a few customers carry on the intake side panel."""

# -- appliances -------------------------------------------------------------------------------
# Each kind: (label, serial prefix, model templates, symptoms).
# Model template fields: {a} {b} {c} are filled from the choice lists that follow the template.

APPLIANCES: dict[str, tuple[str, str, tuple[tuple[str, tuple[str, ...], tuple[str, ...],
                                                   tuple[str, ...]], ...]]] = {
    "ac": ("空调", "KT", (
        ("KFR-{a}GW/{b}{c}", ("23", "26", "32", "35", "50", "51"),
         ("N1", "BpN8", "BP3DN1Y-", "FNhAa-", "DCV", "WCBD"), ("", "A1", "B1", "B3", "PH")),
        ("KFR-{a}LW/{b}{c}", ("50", "51", "72", "120"), ("BP2DN1Y-", "N8MJA", "FNhAb-", "DSH"),
         ("", "A3", "YA400(B3)", "B2")),
    )),
    "fridge": ("冰箱", "BX", (
        ("BCD-{a}{b}{c}", ("186", "215", "248", "325", "401", "470", "480", "520", "606", "650"),
         ("WDPG", "WPDV", "WTM", "WPCV", "WMVM", "WDVL", "WPYV", "WBG"), ("", "U1", "A", "S")),
    )),
    "washer": ("洗衣机", "XY", (
        ("XQG{a}-{b}{c}", ("80", "90", "100", "110", "120"), ("14", "B1226", "HBD14", "DC12"),
         ("", "S", "AW", "B")),
        ("XQB{a}-{b}{c}", ("70", "80", "90", "100"), ("M1268", "Z1216", "BZ28", "KM1838"),
         ("", "S", "D")),
    )),
    "gas_heater": ("燃气热水器", "RS", (
        ("JSQ{a}-{b}{c}", ("16", "20", "25", "30", "32"), ("8", "12", "13", "16"),
         ("", "HP5", "ZH3", "UTS", "MJ")),
    )),
    "electric_heater": ("电热水器", "RD", (
        ("EC{a}02-{b}{c}", ("40", "50", "60", "80"), ("MA", "MC5", "JC3", "YG3", "MG3"),
         ("", "(U1)", "Pro")),
        ("F{a}-{b}{c}", ("40", "50", "60", "80"), ("21W3", "15A5", "32QE5", "TA"), ("", "(S)")),
    )),
    "hood": ("油烟机", "YY", (
        ("CXW-{a}-{b}{c}", ("200", "218", "220", "258", "260", "298"),
         ("E900C11", "J25", "TJ9005", "DT330", "AK35"), ("", "S", "H")),
    )),
    "stove": ("燃气灶", "RZ", (
        ("JZT-{a}{b}{c}", ("Q", "Q2", "B5", "E"), ("216B", "330", "3GE", "Q230"),
         ("", "A", "(12T)")),
    )),
    "dishwasher": ("洗碗机", "XW", (
        ("WQP{a}-{b}{c}", ("8", "12", "13", "15"), ("7605", "W3909J", "HW3909", "J7309"),
         ("", "-CN", "A")),
    )),
    "microwave": ("微波炉", "WB", (
        ("M{a}-{b}{c}", ("1", "3", "7"), ("L201B", "L213C", "211A", "230E"), ("", "(B)", "S")),
    )),
    "tv": ("电视", "DS", (
        ("{a}{b}{c}", ("43", "50", "55", "65", "75", "85"), ("E3F", "Q7E", "A57", "U8H", "V5D"),
         ("", "-PRO", " Max")),
    )),
    "purifier": ("净水器", "JS", (
        ("MRO{a}-{b}{c}", ("1781", "208", "1586", "1891"), ("400G", "600G", "800G", "1000G"),
         ("", "A", "D")),
    )),
    "rice_cooker": ("电饭煲", "DF", (
        ("MB-{a}{b}{c}", ("FB40", "WFS40", "HS4007", "FZ5085"), ("29", "01", "12", "Simple"),
         ("", "S")),
    )),
}
"""Appliance kinds sold and serviced by the hotline's company."""

APPLIANCE_WEIGHTS: dict[str, float] = {
    "ac": 24, "fridge": 14, "washer": 16, "gas_heater": 8, "electric_heater": 7, "hood": 6,
    "stove": 4, "dishwasher": 3, "microwave": 3, "tv": 8, "purifier": 4, "rice_cooker": 3,
}

# -- what callers call about ------------------------------------------------------------------
# A fault belongs to an appliance kind; the symptom is the appliance label followed by it.
# Kind of problem ("repair", "inquiry", …) decides the category, departments and how often
# the agent resolves it on the spot (`PROBLEM_KINDS`).

FAULTS: dict[str, tuple[str, ...]] = {
    "ac": ("不制冷", "不制热", "室内机漏水", "外机噪音大", "显示E1故障代码", "遥控器失灵",
           "外机不转", "出风有异味", "制冷效果差", "开机后自动关机", "显示屏不亮", "滴水到墙上"),
    "fridge": ("不制冷", "冷藏室结冰", "漏水", "压缩机响声大", "门封不严", "显示屏不亮",
               "冷冻室化霜", "有异味", "温度调节无效"),
    "washer": ("脱水时噪音大", "不排水", "不进水", "门锁打不开", "显示E21", "漏水",
               "衣服洗不干净", "脱水时晃动厉害", "程序卡住不动"),
    "gas_heater": ("点不着火", "水温忽冷忽热", "漏水", "显示E1", "出水不热", "有燃气味"),
    "electric_heater": ("不加热", "漏电保护跳闸", "漏水", "显示E2", "出水量小"),
    "hood": ("吸力小", "噪音大", "漏油", "灯不亮", "按键失灵"),
    "stove": ("打不着火", "火焰发红", "熄火保护失灵", "玻璃面板破裂"),
    "dishwasher": ("洗不干净", "不排水", "烘干效果差", "显示E4"),
    "microwave": ("不加热", "转盘不转", "打火", "门关不上"),
    "tv": ("黑屏", "有声音无图像", "无法联网", "屏幕有竖线", "遥控器没反应"),
    "purifier": ("出水慢", "滤芯指示灯一直亮", "漏水", "制水噪音大", "废水过多"),
    "rice_cooker": ("煮饭夹生", "不加热", "内胆涂层脱落", "预约功能失效"),
}
"""Faults per appliance kind, as a caller describes them (symptom = label + fault)."""

ISSUES: tuple[tuple[str, str, float], ...] = (
    ("物流三天未更新", "logistics", 3), ("快递显示已签收但未收到", "logistics", 2),
    ("配送时间一改再改", "logistics", 1), ("送货上门被要求加钱", "complaint", 1),
    ("要求退货", "return", 3), ("要求换货", "return", 2), ("新机到货外观破损", "return", 2),
    ("产品与描述不符", "return", 1), ("退款未到账", "refund", 2), ("退款金额不对", "refund", 1),
    ("发票未收到", "invoice", 2), ("发票抬头开错", "invoice", 1), ("需要补开增值税发票", "invoice", 1),
    ("预约安装", "install", 5), ("安装师傅迟到", "complaint", 1), ("预约移机", "install", 2),
    ("安装后未试机就离开", "complaint", 1), ("安装辅材收费不合理", "complaint", 1),
    ("保修期咨询", "inquiry", 4), ("维修收费标准咨询", "inquiry", 3), ("配件价格咨询", "inquiry", 2),
    ("延保服务咨询", "inquiry", 2), ("以旧换新活动咨询", "inquiry", 2), ("使用方法咨询", "inquiry", 3),
    ("清洗保养服务咨询", "inquiry", 2), ("查询维修进度", "inquiry", 3), ("查询网点地址", "inquiry", 1),
    ("维修人员服务态度差", "complaint", 1), ("师傅未按约定时间上门", "complaint", 2),
    ("维修后问题复发", "complaint", 2), ("多收维修费用", "complaint", 1),
    ("多次报修仍未解决", "complaint", 1), ("客服电话难打进", "complaint", 0.5),
    ("建议增加晚间上门时段", "suggestion", 0.5), ("建议说明书增加图示", "suggestion", 0.3),
    ("建议APP支持查询维修进度", "suggestion", 0.3),
)
"""Calls not about a fault of the appliance: (symptom, kind of problem, weight)."""

FAULT_SHARE = 0.55
"""Share of calls that report a fault of an appliance; the rest come from `ISSUES`."""

PROBLEM_KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], float]] = {
    # kind: (preferred category ids, preferred department ids, share resolved on the spot)
    "repair": (("repair",), ("tech_support", "quality"), 0.5),
    "logistics": (("inquiry", "complaint"), ("logistics",), 0.5),
    "return": (("return_exchange",), ("sales", "refunds", "quality"), 0.3),
    "refund": (("return_exchange", "inquiry"), ("refunds",), 0.4),
    "invoice": (("inquiry",), ("sales", "refunds"), 0.55),
    "install": (("installation",), ("installation",), 0.55),
    "inquiry": (("inquiry",), ("tech_support", "sales"), 0.93),
    "complaint": (("complaint",), ("quality", "installation", "tech_support"), 0.35),
    "suggestion": (("suggestion",), ("quality",), 0.97),
}

DETAILS: dict[str, tuple[str, ...]] = {
    "repair": ("客户已按说明书重启无效", "已断电十分钟后再开机仍然一样", "家里老人独居比较着急",
               "保修期内", "已过保修期，询问收费", "之前报修过一次", "客户自行检查电源插座正常",
               "机器放在厨房", "楼层较高需要带梯子", "夜间尤其明显", "客户发来了视频",
               "孩子在家需要尽快处理", "购买渠道为京东自营", "购买渠道为线下门店"),
    "logistics": ("订单号已核实", "物流公司为顺丰", "物流公司为京东物流", "客户明天不在家",
                  "要求改送到单位地址", "客户已联系快递员未果", "大件物流需预约送货"),
    "return": ("七天无理由范围内", "包装已拆但未使用", "客户要求上门取件", "客户坚持退货不接受维修",
               "已超过十五天", "发票和赠品齐全"),
    "refund": ("原路退回", "退货已签收五天", "客户提供了支付截图", "使用分期付款"),
    "invoice": ("需要电子发票", "公司报销急用", "已核对订单信息", "邮箱地址已确认"),
    "install": ("新房需要打孔", "需要安装支架", "客户希望周末上门", "小区需要提前登记",
                "需要加长铜管", "旧机需要拆除"),
    "inquiry": ("已按标准话术答复", "已告知客户服务网点电话", "客户表示理解", "已发送短信说明",
                "客户询问多个问题"),
    "complaint": ("客户情绪激动", "要求主管回电", "客户表示要向消费者协会投诉",
                  "客户要求赔偿误工费", "第二次来电反映同一问题", "客户要求书面道歉"),
    "suggestion": ("已记录并感谢客户", "客户愿意接受回访", "客户希望改进后通知"),
}
"""Details an agent writes into a call's description, by kind of problem."""

SINCE: tuple[str, ...] = (
    "从昨天开始", "已经三天了", "今天早上发现", "用了两年", "刚买一周", "上周安装后",
    "这两天", "断断续续一个月了", "刚下单不久", "上个月购买",
)

REQUESTS: dict[str, tuple[str, ...]] = {
    "repair": ("希望尽快安排师傅上门", "要求免费维修", "要求换新机", "希望明天上午上门",
               "问能不能远程指导"),
    "logistics": ("要求尽快送货", "要求改约送货时间", "要求查明原因", "要求退款"),
    "return": ("要求退货退款", "要求换同型号新机", "要求补偿", "要求上门取件"),
    "refund": ("要求尽快到账", "要求说明退款进度"),
    "invoice": ("要求尽快补开", "要求重新开具"),
    "install": ("要求预约安装时间", "要求师傅提前电话联系"),
    "inquiry": ("已当场解答", "需要进一步确认"),
    "complaint": ("要求给出处理方案", "要求主管处理", "要求赔偿", "要求更换维修人员"),
    "suggestion": ("希望采纳", "不需要回复"),
}

DESCRIPTION_PATTERNS: tuple[str, ...] = (
    "{who}来电反映{symptom}，{since}，{detail}，{request}。",
    "{who}反映{symptom}，{detail}。{request}。",
    "{symptom}，{since}。{detail}，{request}。",
    "{who}称{since}{symptom}，{detail}，{request}。",
    "来电：{symptom}。{detail}。客户{request}。",
)
"""How an agent writes the description; {who} is the caller as the agent calls them."""

TRANSFER_REASONS: dict[str, tuple[str, ...]] = {
    "repair": ("需要派工上门检修", "需技术人员判断故障", "需要更换配件"),
    "logistics": ("需物流部门核实配送", "需联系承运商"),
    "return": ("需审核退换货条件", "需安排上门取件"),
    "refund": ("需财务核实退款", "需审核退款"),
    "invoice": ("需财务补开发票", "需核实开票信息"),
    "install": ("需安排安装师傅", "需确认安装时间"),
    "inquiry": ("需专业人员答复", "需核实政策"),
    "complaint": ("需质量部门调查处理", "需核实服务过程", "需主管给出方案"),
    "suggestion": ("转相关部门参考",),
}

RESULTS: dict[str, tuple[str, ...]] = {
    "repair": ("已安排师傅上门，更换主板后恢复正常", "已上门检修，清洗滤网后正常",
               "已更换压缩机，试机正常", "已补充冷媒，制冷恢复", "已上门，确认为使用问题并指导",
               "已更换门封条", "配件到货后已更换"),
    "logistics": ("已联系承运商，明日送达", "已重新发货", "已确认签收人为物业代收",
                  "已改约送货时间"),
    "return": ("已同意退货，安排上门取件", "已同意换新机，三日内送达", "经检测符合换货条件，已换货",
               "不符合无理由退货条件，已向客户解释"),
    "refund": ("退款已原路退回", "已加急处理退款", "已补退差价"),
    "invoice": ("已补开电子发票并发送邮箱", "已重新开具发票并寄出"),
    "install": ("已安排师傅按预约时间上门安装", "已完成安装并试机", "已完成移机"),
    "inquiry": ("已由专业人员答复客户", "已核实政策并告知"),
    "complaint": ("已向客户道歉并减免维修费", "已对维修人员进行处理并安排复修",
                  "已赔偿误工费并致歉", "已安排主管上门处理"),
    "suggestion": ("已转产品部门参考",),
}
"""A department's result, entered when it comes back."""

NOTES: tuple[str, ...] = (
    "客户要求只在晚上七点后联系", "客户要求周末上门", "已短信告知网点电话", "客户说话不方便，稍后再联系",
    "客户有老人在家，上门请先电话联系", "客户要求保留旧配件", "地址已更正", "客户对上次服务表示满意",
)
"""Notes an agent adds to some calls."""

CLOSE_REASONS: tuple[str, ...] = (
    "多次联系客户未果，主管关闭", "客户表示不再需要处理，主管关闭", "已按政策给出最终方案，主管关闭",
    "客户已另行解决，主管关闭",
)
"""Reasons a supervisor writes when closing a call that went nowhere."""

CHANNEL_WEIGHTS: dict[str, float] = {"phone": 80, "online": 12, "email": 4, "walk_in": 4}
"""Share of contacts by channel id; a configured channel not listed here gets weight 2."""

ESCALATION_REASONS: tuple[str, ...] = (
    "客户扬言向媒体曝光，重大投诉", "同一问题第三次投诉，客户情绪激动", "涉及安全隐患（燃气味/漏电）",
    "客户要求总部处理，已向主管报告", "多次上门仍未修好，客户要求赔偿",
)
"""Why an agent escalates a major complaint to the supervisor."""

RESOLUTIONS: tuple[str, ...] = (
    "重新核实后电话指导客户操作，问题已解决", "已按政策为客户办理补偿", "已协调网点次日上门并确认时间",
    "已向客户详细解释收费标准并减免上门费", "已为客户更换配件并延长保修",
)
"""What an agent did to settle a reopened call without a department."""

FEEDBACK: tuple[str, ...] = (
    "客户对处理结果不满意，认为应免费更换", "客户表示问题仍然存在", "客户嫌处理时间太长",
    "客户对上门师傅态度不满意", "客户不认可检测结论",
)
"""What an unsatisfied customer said on the callback."""

REPORTERS: dict[str, tuple[str, ...]] = {
    "tech_support": ("技术支持 王工", "技术支持 李工", "网点 张师傅", "网点 刘师傅"),
    "logistics": ("物流专员 陈", "仓储 赵经理", "承运商客服"),
    "refunds": ("财务 小周", "退款专员 吴"),
    "quality": ("质量部 孙经理", "质量工程师 郑"),
    "sales": ("销售 黄经理", "门店 林店长"),
    "installation": ("安装网点 何师傅", "安装调度 马"),
}
"""Who reports a department's result, by department id; others get `OTHER_REPORTERS`."""

OTHER_REPORTERS: tuple[str, ...] = ("部门负责人", "对接专员", "值班主管")

UNREACHED_CLOSE = "多次回访联系不上客户，主管关闭"
"""The supervisor's reason when the customer could not be reached after every attempt."""
