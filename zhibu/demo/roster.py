"""Who is where in the demo enterprise: the name and place lists people are drawn from, each
branch's head count by 人员类别, and its named posts (the heads of department, station managers and
the people the demo's story needs: leaders, transfers, the member login…). Plain data; `people`
turns it into a plan."""

from dataclasses import dataclass

from zhibu.members.models import Category


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨黄黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "蒋蔡余杜叶程苏魏吕丁任沈姚卢钟谭陆汪范金廖贾夏韦方邹熊邱江薛雷侯龙黎贺顾龚邵严覃莫温赖古"
)
MALE_CHARS = (
    "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺"
    "信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲"
    "江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠"
    "策腾楠榕风航弘"
)
FEMALE_CHARS = (
    "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡"
    "佳嘉琼勤珍贞莉桂娣叶璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚"
    "苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影"
    "荔枝丽"
)
ETHNIC_MINORITIES = words("壮族 回族 满族 畲族 瑶族 土家族 苗族 蒙古族")
# Real-looking 6-digit region codes, most from the company's own province.
REGIONS = words(
    "441302 441302 441303 441322 441323 441324 441602 441621 441622 441625 440104 440106 440304 441900"
    " 445102 440981 441402 441481 431002 360702 450102 430104 441502 441581"
)
DISTRICTS = words("江北区 江南区 临港区 北城区 南湖区 高新区")
ROADS = words(
    "滨江东路 人民路 东环大道 港湾大道 北环大道 湖滨路 科创大道 文明路 新华街 鹅岭北路 水口大道 金山大道"
)
MOBILE_DESTINATIONS = (
    "广东省广州市（脱产参加集团公司青年干部培训班）",
    "新疆维吾尔自治区喀什地区（援疆挂职）",
    "海南省海口市（外派支援新站建设）",
    "广东省深圳市（借调至集团公司华南营销中心）",
)

# Post pools of each branch for the people beyond the named posts.
POSTS: dict[str, tuple[str, ...]] = {
    "DJ-JG1": words("文秘 党务专员 人事专员 薪酬专员 档案管理员 行政专员 宣传干事 培训专员"),
    "DJ-JG2": words("市场营销主管 经营分析员 安全员 质量管理员 数质量专员 信息工程师 网络管理员 价格管理员"),
    "DJ-CW": words("会计 会计 出纳 成本核算员 税务会计 审计专员 资产管理员"),
    "DJ-CY-YK": words("油库保管员 油库保管员 计量员 司泵员 安全员 设备维修工 消防员 化验员"),
    "DJ-CY-PS": words("油罐车驾驶员 油罐车驾驶员 押运员 押运员 调度员 安全员"),
    "DJ-LS-CQ": words("加油员 加油员 加油员 加油员 加油员 收银员 收银员 便利店营业员 核算员 安全员 副站长"),
    "DJ-LS-BB": words("加油员 加油员 加油员 加油员 收银员 收银员 便利店营业员 核算员 副站长"),
    "DJ-LS-NH": words("加油员 加油员 加油员 加油员 收银员 收银员 便利店营业员 核算员"),
    "DJ-LS-XQ": words("加油员 收银员 核算员"),
}


@dataclass(frozen=True)
class Slot:
    """A named place in a branch: its post and, where the demo's story needs it, a tag the later
    sections find the person by (a leader, a transfer, the member login…)."""

    post: str
    tag: str = ""
    category: str = Category.FULL
    level: str = "cadre"  # leader | cadre | staff | retired
    group: int | None = None
    mobile: bool = False
    lost_contact: bool = False
    female: bool | None = None


@dataclass(frozen=True)
class BranchPeople:
    counts: dict[str, int]  # 人员类别 → how many, the named slots included
    slots: tuple[Slot, ...]
    female_share: float
    born: tuple[int, int]
    education: tuple[str, ...]
    pay: tuple[int, int]  # monthly dues base range for staff, yuan


def _counts(full: int, probationary: int, candidate: int, activist: int, applicant: int) -> dict[str, int]:
    return {
        Category.FULL: full,
        Category.PROBATIONARY: probationary,
        Category.CANDIDATE: candidate,
        Category.ACTIVIST: activist,
        Category.APPLICANT: applicant,
    }


OFFICE_EDUCATION = words("研究生 大学本科 大学本科 大学本科 大学专科")
DEPOT_EDUCATION = words("大学本科 大学专科 大学专科 中专 高中")
STATION_EDUCATION = words("大学本科 大学专科 大学专科 中专 中专 高中")

BRANCHES: dict[str, BranchPeople] = {
    "DJ-JG1": BranchPeople(
        _counts(21, 1, 1, 1, 1),
        (
            Slot("党委书记、董事长", "leader-secretary", level="leader", group=0, female=False),
            Slot("党委副书记、总经理", "leader-deputy", level="leader", group=0, female=False),
            Slot("党委副书记、工会主席", "leader-deputy2", level="leader", group=1),
            Slot("纪委书记", "leader-discipline", level="leader", group=1, female=True),
            Slot("党委委员、副总经理", "leader-member1", level="leader", group=0),
            Slot("党委委员、副总经理（分管零售）", "leader-member2", level="leader", group=0, female=False),
            Slot("党群工作部主任", group=1),
            Slot("综合办公室主任", group=0),
            Slot("人力资源部主任", group=1),
            Slot("党群工作部副主任", group=1),
            Slot("综合办公室副主任", group=0),
            Slot("党群工作部（党委组织部）组织干事", "officer", level="staff", group=1, female=True),
            Slot("退休职工（原综合办公室）", level="retired", group=0),
            Slot("退休职工（原人力资源部）", level="retired", group=1),
            Slot("综合办公室文秘", level="staff", group=0, mobile=True),
        ),
        0.45,
        (1966, 1998),
        OFFICE_EDUCATION,
        (5000, 9800),
    ),
    "DJ-JG2": BranchPeople(
        _counts(14, 2, 0, 1, 1),
        (
            Slot("经营管理部主任", group=0),
            Slot("安全数质量部主任", group=1),
            Slot("信息中心主任", group=2),
            Slot("经营管理部副主任", group=0),
            Slot("市场营销主管", "transfer-out", level="staff", group=0),
        ),
        0.35,
        (1970, 1999),
        OFFICE_EDUCATION,
        (4800, 9500),
    ),
    "DJ-CW": BranchPeople(
        _counts(11, 1, 1, 0, 1),
        (
            Slot("财务资产部主任", group=0, female=True),
            Slot("财务资产部副主任", group=1),
            Slot("会计主管", group=0),
            Slot("资金主管", group=1),
            Slot("退休职工（原财务资产部）", level="retired", group=1, female=True),
        ),
        0.65,
        (1968, 1999),
        OFFICE_EDUCATION,
        (4200, 8800),
    ),
    "DJ-CY-YK": BranchPeople(
        _counts(18, 2, 1, 1, 1),
        (
            Slot("储运分公司经理", "gb-CY-secretary", group=2, female=False),
            Slot("储运分公司党总支专职副书记", "gb-CY-deputy", group=2),
            Slot("油库主任", group=2, female=False),
            Slot("油库副主任", group=0),
            Slot("油库安全主管", group=1),
            Slot("计量主管", group=0),
            Slot("设备主管", group=1, female=False),
            Slot("退休职工（原油库计量班）", level="retired", group=2, female=False),
        ),
        0.2,
        (1966, 2000),
        DEPOT_EDUCATION,
        (3600, 7200),
    ),
    "DJ-CY-PS": BranchPeople(
        _counts(10, 1, 0, 1, 1),
        (
            Slot("配送中心主任", group=0, female=False),
            Slot("配送中心副主任", group=1),
            Slot("运输车队长", group=0, female=False),
            Slot("配送中心安全员", level="staff", group=1),
            Slot("押运员", "transfer-yk", level="staff", group=1, female=False),
            Slot("油罐车驾驶员", level="staff", group=0, mobile=True, female=False),
        ),
        0.1,
        (1970, 2000),
        DEPOT_EDUCATION,
        (3400, 6800),
    ),
    "DJ-LS-CQ": BranchPeople(
        _counts(50, 4, 2, 2, 2),
        (
            Slot("零售管理中心主任", "gb-LS-secretary", group=3),
            Slot("零售管理中心党总支专职副书记", "gb-LS-deputy", group=3, female=True),
            Slot("城区片区经理", group=3, female=False),
            Slot("城区片区副经理", group=3),
            Slot("人民路加油站站长", group=0),
            Slot("滨江加油站站长", group=1, female=True),
            Slot("东环加油站站长", group=2),
            Slot("片区安全员", group=3),
            Slot("加油员", "demo-member", level="staff", group=0, female=True),
            Slot("加油员", level="staff", group=1, mobile=True),
        ),
        0.55,
        (1972, 2002),
        STATION_EDUCATION,
        (2800, 5600),
    ),
    "DJ-LS-BB": BranchPeople(
        _counts(18, 2, 1, 1, 1),
        (
            Slot("北部片区经理", group=0, female=False),
            Slot("北部片区副经理", group=1),
            Slot("北环加油站站长", group=0),
            Slot("龙岗加油站站长", group=1),
            Slot("石湾加油站站长", group=2),
            Slot("加油员", "transfer-cq", level="staff", group=2),
            Slot("收银员", "to-convert", Category.PROBATIONARY, level="staff", group=1, female=True),
        ),
        0.5,
        (1972, 2002),
        STATION_EDUCATION,
        (2800, 5400),
    ),
    "DJ-LS-NH": BranchPeople(
        _counts(15, 1, 1, 1, 1),
        (
            Slot("南湖片区经理", group=0),
            Slot("南湖加油站站长", group=0),
            Slot("金山加油站站长", group=1),
            Slot("片区核算员", group=1, female=True),
            Slot("核算员", "transfer-cw", level="staff", group=0, female=True),
            Slot("加油员", "lost-contact", level="staff", group=1, lost_contact=True, female=False),
            Slot("便利店店长", level="staff", group=0, mobile=True),
        ),
        0.5,
        (1972, 2002),
        STATION_EDUCATION,
        (2800, 5200),
    ),
    "DJ-LS-XQ": BranchPeople(
        _counts(2, 2, 0, 1, 1),
        (Slot("新区加油站站长", female=False),),
        0.5,
        (1988, 2002),
        STATION_EDUCATION,
        (2900, 4600),
    ),
}
