"""Owns the summary's prose: the draft of one year and scope written from its figures, in the seed's
four parts and phrasing. A pure function of (year, unit, figures) — no query, no clock — so "refresh
figures" can redraft a saved draft's untouched paragraphs and name what changed in the edited ones.

Each paragraph has a stable id and names the figure keys its sentences state. Parts 一–三 say what the
records show was done; a claim the seed makes ("件件有落实、事事有回音", "没有出现群体上访事件", the
"三个没有") is written only when the figures support it, and what fails it goes to 四、存在的问题 with its
facts, together with what is still open (backlog cases, high-risk disputes, overdue rectifications ...)."""
from .document import PARTS, Paragraph, Section

# 四、存在的问题 from the gravest: stability first, then what is still open, then what was not done.
PROBLEM_ORDER = ("problems.stability", "problems.keypersons", "problems.backlog", "problems.high_risk",
                 "problems.tasks", "problems.rectification", "problems.vetoes", "problems.meetings",
                 "problems.legal", "problems.agreements", "problems.groups", "problems.checks")
DIGITS = "零一二三四五六七八九"


def chinese(n):
    """A small count in Chinese numerals, as the seed writes "八部法律" (arabic from 100 on)."""
    if not 0 <= n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return DIGITS[ones]
    return f"{DIGITS[tens] if tens > 1 else ''}十{DIGITS[ones] if ones else ''}"


def number(value):
    """A figure as the prose writes it: 12, 92.5%, "—" for a rate with nothing to count."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def money(value):
    """An amount in 元 as a summary writes it: 7.46万元, 800元."""
    value = float(value or 0)
    if value >= 10000:
        return f"{round(value / 10000, 2):g}万元"
    return f"{value:g}元"


def law_name(name):
    """《公司法》 for 中华人民共和国公司法, as the seed names the laws."""
    return f"《{name.removeprefix('中华人民共和国')}》"


def names(values):
    return "、".join(values)


class Figures:
    """The figures by key, read leniently: a figure a module no longer gives reads as 0 (or empty), so
    an old saved snapshot still composes. Records which keys a paragraph used."""

    def __init__(self, figures):
        self.figures = figures
        self.used = []

    def __call__(self, key, default=0):
        figure = self.figures.get(key)
        if figure is None:
            return default
        self.used.append(key)
        value = figure.value if hasattr(figure, "value") else figure.get("value")
        return default if value is None and default != 0 else value

    def keys(self, prefix):
        return [k for k in self.figures if k.startswith(prefix)]

    def label(self, key):
        figure = self.figures[key]
        return figure.label if hasattr(figure, "label") else figure.get("label", key)

    def unit(self, key, default="次"):
        figure = self.figures[key]
        return (figure.unit if hasattr(figure, "unit") else figure.get("unit")) or default

    def take(self):
        used, self.used = tuple(dict.fromkeys(self.used)), []
        return used


class Draft:
    def __init__(self, year, unit, figures):
        self.year, self.unit, self.f = year, unit, Figures(figures)
        self.whole = unit.parent_id is None
        # How the prose names its scope: the seed's "商务系统 / 本系统" for the bureau, else the body's name.
        self.scope = "商务系统" if self.whole else unit.name
        self.own = "本系统" if self.whole else unit.name
        self.sections = [Section(n, title) for n, title in PARTS]
        self.problems = []  # (id, text, keys) for 四
        self.unstable_facts, self.unstable_keys, self.failed_parts = [], [], []

    def add(self, part, pid, text, keys=None):
        """A paragraph stating the figures read since the last one (or the `keys` given)."""
        used = self.f.take()
        self.sections[part].paragraphs.append(Paragraph(id=pid, text=text, keys=tuple(keys) if keys else used))

    def problem(self, pid, text, *keys):
        """A paragraph of 四 stating the figures `keys`."""
        self.problems.append((pid, text, keys))

    def unstable(self, fact, *keys):
        """A fact that fails the seed's "三个没有" or "没有发生矛盾激化和较大事件": gathered into one
        paragraph of 四."""
        self.unstable_facts.append(fact)
        self.unstable_keys += [k for k in keys if k not in self.unstable_keys]

    def run(self, steps):
        """Each step writes its paragraphs from the figures it reads (what it read and did not state, e.g.
        a zero that wrote nothing, is not carried into the next step's)."""
        for step in steps:
            self.f.take()
            step()

    # -- 一、取得的主要成效 ---------------------------------------------------------------------------------

    def results(self):
        steps = [self.group_petitions, self.keypersons, self.cases, self.tasks, self.legal, self.network,
                 self.stability]
        self.run(steps)
        for i, paragraph in enumerate(self.sections[0].paragraphs, 1):
            paragraph.text = f"{i}、{paragraph.text}"

    def group_petitions(self):
        f = self.f
        cases, people = f("petitions.group_cases"), f("petitions.group_people")
        escalated, inflamed = f("petitions.group_escalated"), f("disputes.inflamed")
        if cases:
            text = (f"在接待调处群体性上访工作上措施得力，方法妥当。今年，{self.scope}的群体性上访全年共{cases}件次、"
                    f"{people}人次，通过耐心细致、扎实有效的工作，尖锐矛盾得到了相对暂时的遏制和化解，基本保持了平稳，")
        else:
            text = f"在预防群体性上访工作上措施得力，方法妥当。今年，{self.scope}没有发生群体性上访，"
        if not escalated and not inflamed:
            text += "没有发生矛盾激化和较大事件，"
        self.add(0, "results.group_petitions", text + "力所能及地维护了一方的相对稳定。")
        if escalated:
            self.unstable(f"群体性上访中有{escalated}件次越级上访", "petitions.group_escalated")
        if inflamed:
            self.unstable(f"矛盾纠纷调处中有{inflamed}起矛盾激化", "disputes.inflamed")

    def keypersons(self):
        f = self.f
        registered = f("keypersons.registered")
        if not registered:
            return
        parts = [f"{f.label(k)}{n}人" for k in f.keys("keypersons.category_") if (n := f(k))]
        text = (f"建立健全了{self.own}企业军转干部、抗美援朝老兵、退伍转业军人和改制下岗困难职工档案，在册重点人员{registered}人"
                f"（{names(parts)}），实行一包一责任制，")
        visits, on_time = f("keypersons.visits"), f("keypersons.visits_on_time")
        if visits:
            text += f"全年走访联系{visits}次，其中按期走访{on_time}次，"
        solved, amount = f("keypersons.requests_solved"), f("keypersons.amount_paid")
        if solved:
            text += f"帮助解决诉求{solved}件，落实资金{money(amount)}，"
        group = f("keypersons.group_petitions")
        if group:
            text = text.rstrip("，") + "。"
            self.problem("problems.keypersons", f"在册重点人员中仍有人参与集体上访，全年涉及在册重点人员的集体访{group}件，"
                                                "一包一责任制还需进一步落实。", "keypersons.group_petitions")
        else:
            text += "使各类重点人员没有出现群体上访事件。"
        self.add(0, "results.keypersons", text)

    def cases(self):
        f = self.f
        individual, backlog = f("petitions.individual_resolved"), f("petitions.backlog_resolved")
        units = f("petitions.backlog_resolved_units", [])
        if not individual and not backlog:
            return
        text = "妥善处理好了一些上访的个案和积案问题，" if backlog else "妥善处理好了一些上访的个案问题，"
        text += f"全年书面答复个体上访{individual}件"
        if backlog:
            text += f"，化解积案{backlog}件"
            if units:
                text += f"，如{names(units[:3])}的积案问题"
        self.add(0, "results.cases", text + "。")

    def tasks(self):
        f = self.f
        npc, cppcc = f("petitions.tasks_npc"), f("petitions.tasks_cppcc")
        letters = f("petitions.tasks_leading_group") + f("petitions.tasks_county_leader")
        if not (npc or cppcc or letters):
            return
        late, on_time, pending = f("petitions.tasks_late"), f("petitions.tasks_on_time"), f("petitions.tasks_pending")
        text = ("及时做好完成了上级交办的任务。" if not late else "认真办理上级交办的任务。") + "今年，"
        given = []
        if npc or cppcc:
            given.append(f"上级交办的县人大代表建议和县政协委员提案共{npc + cppcc}件（建议{npc}件、提案{cppcc}件）")
        if letters:
            given.append(f"县信访领导小组和县领导交办的信件{letters}件")
        text += "，".join(given) + "，"
        if not late:
            text += "我们对这些任务都能按要求及时处理落实，及时书面回复，做到了件件有落实，事事有回音。"
        else:
            text += f"已按期书面回复{on_time}件。"
            self.problem("problems.tasks", f"上级交办任务中有{late}件未按期书面回复，没有完全做到件件有落实、事事有回音。",
                         "petitions.tasks_late")
        if pending:
            text += f"另有{pending}件正在办理，尚未到答复期限。"
        self.add(0, "results.tasks", text)

    def legal(self):
        f = self.f
        sessions = f("legal.sessions")
        laws = f("legal.laws", [])
        if not sessions:
            return
        forms = [f"{f.label(k)}{n}{f.unit(k)}" for k in f.keys("legal.form_") if (n := f(k))]
        text = (f"加强了法制宣传和教育，使干部群众增强法制知识和观念，让干部群众依法办事的理念得到了进一步增强。"
                f"今年来我们采取{names(forms)}等不同形式开展法制教育{sessions}场次")
        if laws:
            text += f"，主要宣传{'、'.join(law_name(n) for n in laws)}等{chinese(len(laws))}部法律"
        reached, coverage = f("legal.reached"), f("legal.coverage", None)
        if reached:
            text += f"，受教育职工{reached}人，受教育面达到{number(coverage)}%"
        text += f"，使普法教育在{self.own}得到较好地落实，职工在知法、懂法的同时，增强依法办事的自觉性。"
        self.add(0, "results.legal", text)
        below, units = f("legal.below_target"), f("legal.below_target_units", [])
        if below:
            self.problem("problems.legal", f"普法教育还不平衡，{names(units)}{below}个单位的受教育面低于"
                                           f"{number(f('legal.target', None))}%的年度目标。",
                         "legal.below_target", "legal.below_target_units", "legal.target")

    def network(self):
        f = self.f
        bureau, bodies = f("governance.groups_bureau"), f("governance.groups_bodies")
        members, duties, in_charge = f("governance.members"), f("governance.duties"), f("governance.in_charge")
        text = f"{'系统内' if self.whole else self.scope}综治工作网络得到进一步的完善，各种矛盾纠纷排查取得了明显成效。"
        done = []
        if bureau:
            done.append("局机关成立了维护稳定工作领导小组，领导小组由局领导和下属单位负责人组成")
        if bodies:
            done.append(f"{bodies}个二级机构成立了综治领导小组" if self.whole else f"{self.scope}成立了综治领导小组")
        if members:
            done.append(f"领导小组成员{members}人" + ("均明确了分工" if duties == members else f"，其中{duties}人明确了分工"))
        if in_charge:
            done.append("确定了分管负责人专抓")
        if f("governance.archives"):
            done.append("建立了综治工作档案")
        if done:
            text += "；".join(done) + "，使这项工作具体地有人抓、有人管。"
        screened, settled = f("disputes.screened"), f("disputes.settled")
        if screened:
            text += (f"全年排查矛盾纠纷{screened}件，调解成功{settled}件，化解率{number(f('disputes.settle_rate', None))}%。")
        self.add(0, "results.network", text)
        missing = f("governance.bodies_without_group", [])
        if missing:
            self.problem("problems.groups", f"{names(missing)}尚未成立综治领导小组，综治工作网络还不够健全。",
                         "governance.bodies_without_group")

    def stability(self):
        """The seed's "三个没有", each part only when the records support it; a failing part goes to 四."""
        f = self.f
        parts, keys = [], []
        incident, escalation = f("veto.trigger_mass_incident"), f("veto.trigger_escalated_petition")
        escalated_groups = f("petitions.group_escalated")
        petition_keys = ("veto.trigger_mass_incident", "veto.trigger_escalated_petition", "petitions.group_escalated")
        if not (incident or escalation or escalated_groups):
            parts.append("没有出现重大的不良信访事件")
            keys += petition_keys
        else:
            self.failed_parts.append("重大的不良信访事件")  # an escalated group petition is stated by group_petitions
            if incident:
                self.unstable(f"发生重大群体性事件{incident}起", "veto.trigger_mass_incident")
            if escalation:
                self.unstable(f"因越级上访被实行一票否决{escalation}件", "veto.trigger_escalated_petition")
        accident = f("veto.trigger_accident")
        if not accident:
            parts.append("没有出现重大责任事故")
            keys.append("veto.trigger_accident")
        else:
            self.failed_parts.append("重大责任事故")
            self.unstable(f"发生重大责任事故{accident}起", "veto.trigger_accident")
        inflamed, vetoed = f("disputes.inflamed"), f("veto.trigger_dispute")
        if not (inflamed or vetoed):
            parts.append("没有出现重大的矛盾纠纷")
            keys += ["disputes.inflamed", "veto.trigger_dispute"]
        else:
            self.failed_parts.append("重大的矛盾纠纷")
        if vetoed:  # a 激化 dispute is stated by group_petitions
            self.unstable(f"因重大矛盾纠纷被实行一票否决{vetoed}件", "veto.trigger_dispute")
        if parts:
            self.add(0, "results.stability", f"今年来，由于各稳定工作领导小组的积极工作，保证了{self.own}内"
                                             f"{'，'.join(parts)}。", keys)
        else:
            self.f.take()

    # -- 二、具体做法 ------------------------------------------------------------------------------------

    def methods(self):
        self.run((self.leadership, self.rules, self.interests, self.supervision))
        for i, paragraph in enumerate(self.sections[1].paragraphs):
            paragraph.text = f"{chinese(i + 1)}是{paragraph.text}"

    def leadership(self):
        f = self.f
        text = (f"强化领导，健全组织，认真落实一把手负责制。{'系统内' if self.whole else self.scope}各单位一把手为综治工作"
                "第一责任人，努力做好自己内部的安全防范工作。按照谁主管谁负责的原则，")
        groups = f("governance.groups_bureau") + f("governance.groups_bodies")
        if self.whole:
            text += f"首先是建立了局、公司、行办和中心二级综治领导小组{groups}个，" if groups else "首先是"
        else:
            text += "首先是建立健全了综治领导小组，" if groups else "首先是"
        issued, signed, unsigned = f("agreements.issued"), f("agreements.signed"), f("agreements.unsigned_units", [])
        text += "从明确责任，明确目标入手，"
        if issued and not unsigned:
            text += f"{issued}个单位的一把手全部签定了目标管理责任书，"
        elif issued:
            text += f"向{issued}个单位下达了目标管理责任书，{signed}个单位的一把手已签定，"
            self.problem("problems.agreements", f"{names(unsigned)}{len(unsigned)}个单位的一把手尚未签定目标管理责任书。",
                         "agreements.unsigned_units")
        text += "从组织上保证了这项工作有人抓、有人管。"
        settled = f("disputes.settled")
        if settled:
            text += (f"其次是成立了矛盾纠纷排查调处中心，对基层单位处理不了、处理不好的各类矛盾进行综合会诊，调解成功的矛盾纠纷中，"
                     f"一般矛盾不出二级机构的占{number(f('disputes.second_level_rate', None))}%，"
                     f"特殊复杂矛盾不出局系统的占{number(f('disputes.bureau_rate', None))}%，"
                     "做到消化一般矛盾不出二级机构，特殊复杂矛盾不出局系统，")
            county = f("disputes.county")
            text += (f"对跨行业、跨系统的矛盾和问题，由局向上级组织和领导汇报协调解决{county}件，" if county else
                     "对跨行业、跨系统的矛盾和问题，一般由局与上级组织和领导汇报协调解决，")
            text += "避免了工作的盲动性。"
        informants, reports, adopted = f("disputes.informants"), f("disputes.reports"), f("disputes.reports_adopted")
        if informants:
            text += (f"再次是建立了矛盾纠纷排查信息网络，{chinese(informants)}名信息员负责收集整理反映群众的意愿和意见及群众关注的"
                     f"热点难点问题，全年报送信息{reports}条、被采用{adopted}条，特别是影响社会安定的重大矛盾和问题，以便单位领导"
                     f"把握动向，及时调处，主动化解，推进了{self.own}综治维稳工作的开展。")
        self.add(1, "methods.leadership", text)

    def rules(self):
        f = self.f
        text = "强化制度落实，健全综治工作制度。首先是落实党委、支部每季一次的综治工作议事制度，"
        meetings, held, due = f("governance.meetings"), f("governance.quarters_held"), f("governance.quarters_due")
        if meetings:
            text += f"全年召开综治工作议事会议{meetings}次"
            decisions, done = f("governance.decisions"), f("governance.decisions_done")
            if decisions:
                text += f"，研究议定事项{decisions}项、已落实{done}项"
            text += "，"
        text += "分析工作动态掌握工作实际，研究制定解决各类矛盾的办法和措施，分工定人抓落实；其次是落实学习教育制度。"
        text += "组织人员在系统内广泛开展法律法规知识的学习，不断增强广大干部职工识大体，顾大局的意识和法制观念，进而提高依法办事的自觉性；"
        text += "再次是落实信访的回访制度。在对群众来信来访的问题不推、不拖，认真想法调处的同时，要跟踪问效"
        visited = f("petitions.visited")
        if visited:
            text += (f"，全年回访{visited}件，满意（含基本满意）{f('petitions.satisfied')}件，"
                     f"满意率{number(f('petitions.satisfaction_rate', None))}%")
        text += "，以防矛盾解决不力带来的矛盾激化，做到矛盾不解决不撒手，问题不落实不松劲；第四是落实查岗值班制度"
        checks = f("governance.spot_checks")
        if checks:
            text += f"，全年查岗{checks}次"
        text += "；第五是落实安全生产责任制。"
        self.add(1, "methods.rules", text)
        missed, bodies = f("governance.quarters_missed"), f("governance.missed_bodies", [])
        if missed:
            self.problem("problems.meetings", f"每季一次的综治工作议事制度落实还不到位，{names(bodies)}有{missed}个季度"
                                              f"未按时召开议事会议（全年应召开{due}个季度，按时召开{held}个）。",
                         "governance.quarters_missed", "governance.missed_bodies", "governance.quarters_due",
                         "governance.quarters_held")
        failures = f("governance.spot_check_failures")
        if failures:
            self.problem("problems.checks", f"查岗中发现不在岗{failures}次，值班制度执行还不够严格。",
                         "governance.spot_check_failures")

    def interests(self):
        f = self.f
        text = ("采取得力措施，切实维护群众的切身利益。积极稳妥地为符合条件的下岗职工办理好社会养老保险、医疗保险、拖欠工资补发和"
                "及时办理好退休、调资等工作")
        raised = f("keypersons.requests")
        if raised:
            text += (f"，全年重点人员提出诉求{raised}件，解决{f('keypersons.requests_solved')}件、"
                     f"部分解决{f('keypersons.requests_partly')}件，落实资金{money(f('keypersons.amount_paid'))}")
        text += ("；想方设法解决好重点对象、重点部位、特殊人员、特困职工的具体问题；冷静应对，耐心说服，热情接待，注重方式方法，"
                 "并及时摸清情况，掌握实情，及时汇报，及时处理，尽量把工作做在基层，把集体事件、群体事件化解在基层")
        resolved = f("petitions.resolved")
        if resolved:
            text += f"，全年书面答复信访事项{resolved}件"
        text += ("；积极稳妥地做好三方面人员的稳定工作，对军转干部（企业）、退伍军人和改制下岗困难职工实行了一包一责任制，"
                 f"针对他们提出的问题，在能解决的前提下都尽力帮助解决，保证了{self.own}的稳定。")
        self.add(1, "methods.interests", text)

    def supervision(self):
        f = self.f
        text = ("加大监督力度，积极推进群防群治工作。综治工作是一个社会系统工程，不仅牵涉到生产经营活动，而且也牵涉到群众生活的"
                "方方面面，稍有不慎就会出现这样那样的问题，社会综治工作无小事，重在平时抓防范。为此，我们把群防群治方案的实施作为"
                "重点工作抓，")
        leaders, units, visits = (f("governance.contact_leaders"), f("governance.contact_units"),
                                  f("governance.leader_visits"))
        if units:
            text += f"{leaders}名党组成员采取定点包单位的办法联系{units}个单位，全年到联系单位督查{visits}次，"
        else:
            text += "党组成员采取定点包单位的办法进行日常的督查，"
        text += "进一步落实综治工作领导责任制、目标管理制、领导责任查究制和“一票否决权”制"
        vetoes, investigations = f("veto.vetoes"), f("veto.accountabilities")
        done = []
        if vetoes:
            done.append(f"全年实行一票否决{vetoes}件")
        if investigations:
            done.append(f"开展领导责任查究{investigations}件")
        text += ("，" + "、".join(done) if done else "") + "。对下属单位出现的问题议而不决、决而不办的问题，严厉进行批评"
        sanctions = f("veto.sanctions")
        if sanctions:
            text += f"，全年通报批评、黄牌警告、挂牌督办{sanctions}次"
        text += "；促使各级领导和分工负责同志靠前做工作，争取工作的主动，积极促进综治工作健康向上的发展。"
        self.add(1, "methods.supervision", text)

    # -- 三、主要特点 ------------------------------------------------------------------------------------

    def features(self):
        f = self.f
        f.take()
        text = ("用顾大局意识统一思想，努力营造经济发展环境。针对一些人对综治维稳、信访工作产生的畏难情绪，给予及时的教育和清理，"
                "用稳定大局的道理，拨开思想迷雾，并提出了具体工作措施和要求，切实负起责任，并把单位稳定工作的好坏作为年度考核下属单位的"
                "主要依据")
        assessed, vetoed = f("agreements.assessed"), f("veto.units", [])
        if assessed:
            text += f"，全年对{assessed}个单位进行了年度考核"
        if vetoed:
            text += f"，对{names(vetoed)}实行一票否决，年度考核定为不合格"
            self.problem("problems.vetoes", f"{names(vetoed)}因稳定工作出现问题被实行一票否决，年度考核为不合格。", "veto.units")
        text += "，确保不出问题，为我县改革、开放和社会发展创造一个宽松稳定的发展环境。"
        self.add(2, "features.basis", "一是" + text)
        rounds = f("inspections.rounds")
        text = ("实事求是地解决群众反映的问题，以诚实的态度对事，以真挚的情感对人，争取群众的理解和支持，努力创造稳定祥和的工作氛围。"
                "不回避矛盾，不推拖责任，实事求是的对待工作矛盾和群众反映的问题是我们化解矛盾的主要方法。")
        if rounds:
            text += (f"今年来我们先后{rounds}次派督查组到基层，对{f('inspections.units_visited')}个单位群众最关心、反映最强烈、"
                     "群众最敏感的问题进行认真的摸排分析，并就有碍稳定的矛盾和问题进行认真的调查研究，接受群众监督")
            findings = f("inspections.findings")
            if findings:
                text += f"，发现问题{findings}个，已整改销号{f('inspections.findings_closed')}个"
            text += "，"
        text += f"由于工作主动，措施得力，{self.scope}改制遗留的一些问题得到了逐步理顺或妥善解决。"
        self.add(2, "features.inspections", "二是" + text)
        overdue = f("inspections.findings_overdue")
        if overdue:
            self.problem("problems.rectification", f"督查发现的问题中有{overdue}个逾期未整改到位，整改落实还不够及时。",
                         "inspections.findings_overdue")

    # -- 四、存在的问题 ----------------------------------------------------------------------------------

    def open_work(self):
        f = self.f
        backlog, units = f("petitions.backlog_open"), f("petitions.backlog_open_units", [])
        if backlog:
            where = f"（涉及{names(units)}）" if units else ""
            self.problem("problems.backlog", f"尚有积案{backlog}件未化解{where}，信访工作的“不推、不拖”还需进一步落实。",
                         "petitions.backlog_open", "petitions.backlog_open_units")
        high = f("disputes.high_open")
        if high:
            self.problem("problems.high_risk", f"尚有{high}件高风险矛盾纠纷正在调处，存在激化隐患。", "disputes.high_open")

    def issues(self):
        self.open_work()
        intro = (f"{self.year}年，尽管我们付出了巨大努力，花费了大量时间和精力来做好综治信访维稳工作，但仍然存在一些问题和压力，"
                 "隐患还较大。")
        self.sections[3].paragraphs.append(Paragraph(id="problems.intro", text=intro))
        if self.unstable_facts:
            parts = self.failed_parts
            failed = "和".join(["、".join(parts[:-1]), parts[-1]]) if len(parts) > 1 else "".join(parts)
            self.problems.insert(0, ("problems.stability", f"维稳形势依然严峻，全年{'，'.join(self.unstable_facts)}"
                                     + (f"，出现了{failed}。" if failed else "。"), tuple(self.unstable_keys)))
        order = {pid: i for i, pid in enumerate(PROBLEM_ORDER)}
        self.problems.sort(key=lambda p: order.get(p[0], len(order)))
        for i, (pid, text, keys) in enumerate(self.problems, 1):
            self.sections[3].paragraphs.append(Paragraph(id=pid, text=f"{chinese(i)}是{text}", keys=keys))
        self.sections[3].paragraphs.append(Paragraph(
            id="problems.outlook",
            text="改制企业负责人和改制下岗职工的上访要求仍较强烈，诉求较高，牵涉范围较宽，一时难以全部解决，"
                 "明年的综治维稳工作将面临更大的压力和困难。"))

    def compose(self):
        self.results()
        self.methods()
        self.features()
        self.issues()
        return self.sections


def title(year, unit):
    """The draft's title: the bureau's own, or the body's."""
    return f"{unit.name}{year}年度综治信访维稳工作总结"


def compose(year, unit, figures):
    """The draft of `year` for `unit`'s subtree from `figures` ({key: Figure}, figures.collect): the four
    parts of paragraphs, each with its stable id and the keys of the figures it states."""
    return Draft(year, unit, figures).compose()
