"""Generate a synthetic knowledge base of N facts, valid against the real schema and checks.

    python benchmarks/generate.py --facts 100000 --out /tmp/kb-100k

The data directory layers over nothing (use it with ``--no-bundled``): it holds its own
sources, people, organizations, topics and metrics. It starts from the bundled reference
files (so that ``--topic inference-cost`` and ``--person Amodei`` mean what they mean in the
bundled data) and adds, in proportion to N, synthetic people with Chinese and English names,
companies and outlets, subtopics, and one source (one fact file) per 20-50 facts. Facts are
claims, quotes, figures and forecasts written from templates in Chinese (the excerpt) and
English (the translation and the statement), with numbers, rates and horizons that the
numeric checks accept, links between facts and resolutions of some forecasts. Topic and
speaker popularity follow a Zipf law, so a query returns a realistic share of the facts.

Output is deterministic for a given ``--facts`` and ``--seed``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data"

SURNAMES = [
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
    ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"), ("徐", "Xu"), ("孙", "Sun"),
    ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"), ("郭", "Guo"), ("何", "He"), ("林", "Lin"),
    ("高", "Gao"), ("罗", "Luo"), ("郑", "Zheng"), ("梁", "Liang"), ("谢", "Xie"), ("宋", "Song"),
]  # fmt: skip
GIVEN = [
    ("伟", "Wei"), ("芳", "Fang"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"), ("强", "Qiang"),
    ("磊", "Lei"), ("洋", "Yang"), ("艳", "Yan"), ("勇", "Yong"), ("军", "Jun"), ("杰", "Jie"),
    ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"), ("霞", "Xia"), ("平", "Ping"), ("刚", "Gang"),
    ("晨曦", "Chenxi"), ("子涵", "Zihan"), ("浩然", "Haoran"), ("思远", "Siyuan"), ("雨桐", "Yutong"),
    ("嘉怡", "Jiayi"), ("志强", "Zhiqiang"), ("建华", "Jianhua"), ("海燕", "Haiyan"), ("一鸣", "Yiming"),
]  # fmt: skip
WESTERN_FIRST = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
                 "Elizabeth", "Sarah", "Daniel", "Emma", "Oliver", "Sophia", "Lucas", "Mia", "Noah"]  # fmt: skip
WESTERN_LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
                "Taylor", "Thomas", "Moore", "Martin", "Jackson", "White", "Harris", "Clark", "Lewis"]  # fmt: skip
ORG_STEMS = [
    ("星云", "Xingyun", "nebula"), ("深度", "Shendu", "depth"), ("智源", "Zhiyuan", "source"),
    ("云图", "Yuntu", "cloudmap"), ("灵犀", "Lingxi", "lingxi"), ("天工", "Tiangong", "tiangong"),
    ("九章", "Jiuzhang", "jiuzhang"), ("极光", "Jiguang", "aurora"), ("鲸鱼", "Jingyu", "whale"),
    ("蓝海", "Lanhai", "blue-ocean"), ("昆仑", "Kunlun", "kunlun"), ("启明", "Qiming", "dawn"),
    ("飞书", "Feishu", "flying-book"), ("海鸥", "Haiou", "gull"), ("远见", "Yuanjian", "vision"),
]  # fmt: skip
ORG_KINDS = [
    ("科技", "Technology", "company"), ("智能", "Intelligence", "company"), ("资本", "Capital", "investor"),
    ("研究院", "Research Institute", "research"), ("大学", "University", "university"),
    ("财经", "Finance News", "media"), ("日报", "Daily", "media"), ("咨询", "Consulting", "consultancy"),
]  # fmt: skip
FACETS = [
    ("in China", "中国", "china"), ("in the US", "美国", "us"), ("in Europe", "欧洲", "europe"),
    ("for startups", "创业公司", "startups"), ("in enterprises", "企业级", "enterprise"),
    ("for consumers", "消费级", "consumer"), ("policy", "政策", "policy"), ("research", "研究", "research"),
    ("pricing", "定价", "pricing"), ("hardware", "硬件", "hardware"), ("open models", "开源模型", "open"),
    ("outlook", "展望", "outlook"),
]  # fmt: skip
CN_DIGITS = "零一二三四五六七八九十"

CLAIMS = [
    ("{topic_zh}在过去一年里出现了明显的变化，行业普遍低估了它的速度。",
     "{topic_en} changed markedly over the past year, and the industry widely underestimated how fast.",
     "{who} says {topic_en} changed markedly over the past year, faster than the industry expected."),
    ("我认为{topic_zh}才是决定下一阶段竞争格局的关键因素。",
     "I think {topic_en} is the key factor that will decide the next stage of competition.",
     "{who} considers {topic_en} the key factor in the next stage of competition."),
    ("很多企业在{topic_zh}上投入不足，这会成为它们的短板。",
     "Many companies under-invest in {topic_en}, and it will become their weak spot.",
     "{who} says many companies under-invest in {topic_en}."),
    ("{org_zh}在{topic_zh}方面的积累，让它在同行中处于领先地位。",
     "{org_en}'s experience in {topic_en} puts it ahead of its peers.",
     "{who} says {org_en} leads its peers thanks to its experience in {topic_en}."),
    ("过去我们以为{topic_zh}只是技术问题，现在看来更是商业问题。",
     "We used to think {topic_en} was only a technical problem; now it looks more like a business one.",
     "{who} says {topic_en} now looks more like a business problem than a technical one."),
]  # fmt: skip
QUOTES = [
    ("说实话，{topic_zh}这件事没有捷径，只能一点一点地做。",
     "Honestly, there is no shortcut with {topic_en}; you can only do it bit by bit.",
     "{who} says there is no shortcut in {topic_en}."),
    ("我们不是在做一个产品，而是在做一个时代的基础设施。",
     "We are not building a product but the infrastructure of an era.",
     "{who} describes the work as building infrastructure for an era, not a product."),
    ("如果你今天还看不懂{topic_zh}，三年以后就很难追上了。",
     "If you still don't understand {topic_en} today, it will be hard to catch up in three years.",
     "{who} warns that those who do not understand {topic_en} now will struggle to catch up."),
]  # fmt: skip
FIGURES = [
    ("{year}年{topic_zh}相关市场规模达到{stated}。", "The market related to {topic_en} reached {stated_en} in {year}.",
     "{who} puts the market related to {topic_en} at {stated_en} in {year}."),
    ("{org_zh}去年在{topic_zh}上的投入{stated}。", "{org_en} spent {stated_en} on {topic_en} last year.",
     "{who} says {org_en} spent {stated_en} on {topic_en} last year."),
    ("目前约有{stated}用于{topic_zh}。", "Currently about {stated_en} go to {topic_en}.",
     "{who} says about {stated_en} currently go to {topic_en}."),
]  # fmt: skip
RATES = [
    ("{topic_zh}每年下降{k}倍，这个趋势还会持续。", "{topic_en} falls {k}-fold every year, and the trend will continue.",
     "{who} says {topic_en} falls about {k}-fold a year.", "decline", "每年下降{k}倍", "year"),
    ("{topic_zh}大约每{k}个月翻一番。", "{topic_en} doubles roughly every {k} months.",
     "{who} says {topic_en} doubles roughly every {k} months.", "growth", "每{k}个月翻一番", "month"),
    ("{topic_zh}每{k}个月就会减半。", "{topic_en} halves every {k} months.",
     "{who} says {topic_en} halves every {k} months.", "decline", "每{k}个月就会减半", "month"),
]  # fmt: skip
FORECASTS = [
    ("我相信{when_zh}将是{topic_zh}的重要转折点。", "I believe {when_en} will be an important turning point for {topic_en}.",
     "{who} believes {when_en} will be a turning point for {topic_en}.",
     "{topic_en} shows a clear break in trend {when_en}."),
    ("预计{when_zh}{topic_zh}会进入大规模商用阶段。", "{topic_en} is expected to enter large-scale commercial use {when_en}.",
     "{who} expects {topic_en} to reach large-scale commercial use {when_en}.",
     "{topic_en} is in large-scale commercial use {when_en}."),
    ("{when_zh}，{org_zh}有望在{topic_zh}领域推出成熟的产品。", "{when_en}, {org_en} is likely to launch mature products in {topic_en}.",
     "{who} expects {org_en} to launch mature {topic_en} products {when_en}.",
     "{org_en} launches a mature {topic_en} product {when_en}."),
]  # fmt: skip


def slug(text: str) -> str:
    out = "".join(c if c.isalnum() and c.isascii() else "-" for c in text.lower())
    return "-".join(p for p in out.split("-") if p)


def cn_number(n: int) -> str:
    return (
        CN_DIGITS[n]
        if n <= 10
        else f"{CN_DIGITS[n // 10] if n >= 20 else ''}十{CN_DIGITS[n % 10] if n % 10 else ''}"
    )


def zipf_weights(n: int, s: float, rng: random.Random) -> list[float]:
    ranks = list(range(1, n + 1))
    rng.shuffle(ranks)
    return [1 / r**s for r in ranks]


def flow(record: dict[str, object]) -> str:
    """One record as a YAML flow mapping (JSON is valid YAML)."""
    return json.dumps({k: v for k, v in record.items() if v not in (None, [], "")}, ensure_ascii=False)


def block(record: dict[str, object]) -> str:
    """One record as a block mapping in a list, nested values in flow style, as the bundled
    fact files are written."""
    lines = []
    for i, (key, value) in enumerate(record.items()):
        lead = "  - " if i == 0 else "    "
        lines.append(f"{lead}{key}: {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines)


def read_bundled(name: str) -> str:
    return (BUNDLED / name).read_text(encoding="utf-8").rstrip("\n") + "\n"


def bundled_ids(name: str, key: str) -> list[str]:
    import yaml

    data = yaml.safe_load((BUNDLED / name).read_text(encoding="utf-8"))
    return [r["id"] for r in data[key]]


class Generator:
    """Builds the reference records and fact files of one synthetic knowledge base."""

    def __init__(self, n_facts: int, seed: int) -> None:
        self.n = n_facts
        self.rng = random.Random(seed)
        self.people: list[tuple[str, str, str]] = []  # id, name_en, name_zh
        self.orgs: list[tuple[str, str, str]] = []
        self.outlets: list[str] = []
        self.topics: list[tuple[str, str, str]] = []  # id, label_en, label_zh
        self.extra: dict[str, list[str]] = {"people": [], "organizations": [], "topics": [], "sources": []}

    def reference(self) -> None:
        rng = self.rng
        import yaml

        for name, key, store in (
            ("people.yaml", "people", self.people),
            ("organizations.yaml", "organizations", self.orgs),
        ):
            for r in yaml.safe_load((BUNDLED / name).read_text(encoding="utf-8"))[key]:
                store.append((r["id"], r["name_en"], r.get("name_zh_hans") or r["name_en"]))
                if r.get("kind") == "media":
                    self.outlets.append(r["id"])
        for r in yaml.safe_load((BUNDLED / "topics.yaml").read_text(encoding="utf-8"))["topics"]:
            self.topics.append((r["id"], r["label_en"], r["label_zh"]))
        taken = {i for i, _, _ in self.people + self.orgs}
        for i in range(max(40, self.n // 40)):
            if rng.random() < 0.8:
                (sz, se), (gz, ge) = rng.choice(SURNAMES), rng.choice(GIVEN)
                zh, en = sz + gz, f"{se} {ge}"
                rec = {"name_en": en, "name_zh_hans": zh, "aliases": [f"{ge} {se}"]}
            else:
                en = f"{rng.choice(WESTERN_FIRST)} {rng.choice(WESTERN_LAST)}"
                zh, rec = en, {"name_en": en}
            pid = f"{slug(en)}-{i}"
            org = self.orgs[rng.randrange(len(self.orgs))][0] if self.orgs else None
            role = {
                "title": rng.choice(["CEO", "chief scientist", "analyst", "founder", "professor", "reporter"])
            }
            if org:
                role["org"] = org
            self.extra["people"].append(flow({"id": pid, **rec, "roles": [role]}))
            self.people.append((pid, en, zh))
            taken.add(pid)
        for i in range(max(30, self.n // 100)):
            (stz, ste, sts), (kz, ke, kind) = rng.choice(ORG_STEMS), rng.choice(ORG_KINDS)
            oid = f"{sts}-{slug(ke)}-{i}"
            en, zh = f"{ste} {ke}", stz + kz
            self.extra["organizations"].append(
                flow({"id": oid, "name_en": en, "name_zh_hans": zh, "kind": kind, "country": "CN"})
            )
            self.orgs.append((oid, en, zh))
            if kind == "media":
                self.outlets.append(oid)
        base = list(self.topics)
        for i in range(min(300, self.n // 300)):
            parent, (fen, fzh, fs) = base[i % len(base)], FACETS[(i // len(base)) % len(FACETS)]
            tid = f"{parent[0]}-{fs}"
            if any(t[0] == tid for t in self.topics):
                continue
            en, zh = f"{parent[1]} {fen}", f"{fzh}{parent[2]}"
            self.extra["topics"].append(
                flow({"id": tid, "label_en": en, "label_zh": zh, "parent": parent[0]})
            )
            self.topics.append((tid, en, zh))

    def write(self, out: Path) -> None:
        rng = self.rng
        if out.exists():
            shutil.rmtree(out)
        (out / "facts").mkdir(parents=True)
        self.reference()
        topic_w = zipf_weights(len(self.topics), 1.0, rng)
        speaker_w = zipf_weights(len(self.people), 0.8, rng)
        org_w = zipf_weights(len(self.orgs), 0.9, rng)
        remaining, s = self.n, 0
        while remaining > 0:
            count = min(remaining, rng.randint(20, 50))
            remaining -= count
            self.source_file(out, s, count, topic_w, speaker_w, org_w)
            s += 1
        for name, key in (
            ("people.yaml", "people"),
            ("organizations.yaml", "organizations"),
            ("topics.yaml", "topics"),
        ):
            text = read_bundled(name) + "".join(f"  - {line}\n" for line in self.extra[key])
            (out / name).write_text(text, encoding="utf-8")
        (out / "metrics.yaml").write_text(read_bundled("metrics.yaml"), encoding="utf-8")
        sources = read_bundled("sources.yaml") + "".join(f"  - {line}\n" for line in self.extra["sources"])
        (out / "sources.yaml").write_text(sources, encoding="utf-8")

    def source_file(
        self, out: Path, s: int, count: int, topic_w: list[float], speaker_w: list[float], org_w: list[float]
    ) -> None:
        rng = self.rng
        year, month, day = rng.randint(2018, 2025), rng.randint(1, 12), rng.randint(1, 28)
        outlet = rng.choice(self.outlets)
        speakers = rng.choices(self.people, weights=speaker_w, k=rng.randint(1, 3))
        main = speakers[0]
        kind = rng.choice(["interview", "column", "news", "speech-write-up", "report-summary"])
        topic = rng.choices(self.topics, weights=topic_w)[0]
        sid = f"syn-{year}-{s:05d}"
        title_zh = f"专访{main[2]}：{topic[2]}的下一个十年"
        title_en = f"Interview with {main[1]}: the next decade of {topic[1].lower()}"
        lang = ["zh-Hans", "en"] if rng.random() < 0.2 else ["zh-Hans"]
        digest = hashlib.sha256(sid.encode()).hexdigest()
        author = rng.choice(self.people)[0]
        self.extra["sources"].append(
            flow(
                {
                    "id": sid,
                    "title": title_zh,
                    "title_en": title_en,
                    "kind": kind,
                    "language": lang,
                    "outlet": outlet,
                    "authors": [author],
                    "published": f"{year}-{month:02d}-{day:02d}",
                    "sha256": digest,
                }
            )
        )
        facts, resolutions = [], []
        for i in range(count):
            fact, res = self.fact(sid, i, year, speakers, topic_w, org_w, lang, facts)
            facts.append(fact)
            if res:
                resolutions.append(res)
        lines = [f"# Synthetic source {sid} (benchmarks/generate.py)", f"source: {sid}", "facts:"]
        lines += [block(f) for f in facts]
        if resolutions:
            lines += ["resolutions:"] + [block(r) for r in resolutions]
        (out / "facts" / f"{sid}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def fact(
        self,
        sid: str,
        i: int,
        year: int,
        speakers: list[tuple[str, str, str]],
        topic_w: list[float],
        org_w: list[float],
        lang: list[str],
        previous: list[dict[str, object]],
    ) -> tuple[dict[str, object], dict[str, object] | None]:
        rng = self.rng
        who = rng.choice(speakers)
        topics = list(
            dict.fromkeys(t for t in rng.choices(self.topics, weights=topic_w, k=rng.randint(1, 3)))
        )
        t = topics[0]
        org = rng.choices(self.orgs, weights=org_w)[0]
        slots = {
            "topic_zh": t[2],
            "topic_en": t[1].lower(),
            "org_zh": org[2],
            "org_en": org[1],
            "who": who[1],
        }
        roll = rng.random()
        rec: dict[str, object] = {"id": f"{sid}-{i:03d}", "speaker": who[0], "topics": [x[0] for x in topics]}
        res = None
        if roll < 0.40:
            zh, en, st = rng.choice(CLAIMS)
            rec["kind"] = "claim"
            if rng.random() < 0.25:
                zh, en, st, direction, stated, unit = rng.choice(RATES)
                k = rng.choice([2, 3, 4, 5, 10]) if unit == "year" else rng.choice([3, 6, 12, 18, 24])
                slots["k"] = str(k)
                factor, period = (float(k), 1.0) if unit == "year" else (2.0, float(k))
                rec["rate"] = {
                    "direction": direction,
                    "factor": factor,
                    "period": period,
                    "period_unit": unit,
                    "stated": stated.format(**slots),
                }
        elif roll < 0.60:
            zh, en, st = rng.choice(QUOTES)
            rec["kind"] = "quote"
        elif roll < 0.82:
            zh, en, st = rng.choice(FIGURES)
            rec["kind"] = "figure"
            n = rng.randint(2, 980)
            form = rng.random()
            if form < 0.5:
                hedge = rng.choice(["", "超过", "约"])
                stated, value, unit = f"{hedge}{n}亿美元", n * 1e8, "USD"
                bound = {"": "exact", "超过": "at-least", "约": "approx"}[hedge]
                stated_en = {"": "", "超过": "more than ", "约": "about "}[hedge] + f"${n / 10:g} billion"
            elif form < 0.8:
                stated, value, unit, bound, stated_en = (
                    f"{n}万块GPU",
                    n * 1e4,
                    "GPUs",
                    "exact",
                    f"{n * 10_000:,} GPUs",
                )
            else:
                p = rng.randint(1, 99)
                stated, value, unit, bound, stated_en = f"{p}%", float(p), "percent", "exact", f"{p}%"
            slots |= {"stated": stated, "stated_en": stated_en, "year": str(year - 1)}
            rec["quantity"] = {"value": value, "unit": unit, "bound": bound, "stated": stated}
            if rng.random() < 0.3:
                rec["cited"] = [{"by": org[0], "work": f"{org[2]}年度报告"}]
        else:
            h = rng.random()
            zh, en, st, crit = rng.choice(FORECASTS if h < 0.5 else FORECASTS[1:])
            rec["kind"] = "forecast"
            if h < 0.5:
                y = year + rng.randint(1, 8)
                slots |= {"when_zh": f"{y}年", "when_en": f"in {y}"}
                rec["horizon"] = {"type": "in", "stated": f"{y}年", "date": y}
                if y <= 2024 and rng.random() < 0.3:
                    res = {
                        "fact": rec["id"],
                        "outcome": rng.choice(["true", "false", "partly"]),
                        "date": f"{y + 1}-01",
                        "evidence": f"Reporting in {y + 1} on {t[1].lower()} settles it (synthetic).",
                    }
            elif h < 0.8:
                a = rng.randint(2, 10)
                slots |= {"when_zh": f"未来{cn_number(a)}年内", "when_en": f"within {a} years"}
                rec["horizon"] = {
                    "type": "within",
                    "stated": f"未来{cn_number(a)}年内",
                    "amount": a,
                    "unit": "year",
                }
            else:
                slots |= {"when_zh": "将来", "when_en": "eventually"}
                rec["horizon"] = {"type": "none", "stated": "将来"}
            rec["criteria"] = crit.format(**slots)[:1].upper() + crit.format(**slots)[1:]
            rec["hedge"] = (
                "预计" if "预计" in zh else "我相信" if "我相信" in zh else "有望" if "有望" in zh else None
            )
        rec["statement"] = st.format(**slots)
        rec["excerpt"] = zh.format(**slots)
        rec["excerpt_en"] = en.format(**slots)[:1].upper() + en.format(**slots)[1:]
        if rng.random() < 0.15:
            rec["about"] = [org[0]]
        if previous and rng.random() < 0.05:
            rec["links"] = [
                {"rel": rng.choice(["supports", "responds-to"]), "fact": rng.choice(previous)["id"]}
            ]
        if "en" in lang and rng.random() < 0.5:
            rec["excerpt_en_original"] = True
        order = ["id", "kind", "speaker", "topics", "statement", "excerpt", "excerpt_en", "excerpt_en_original",
                 "hedge", "quantity", "rate", "horizon", "criteria", "cited", "about", "links"]  # fmt: skip
        return {k: rec[k] for k in order if k in rec}, res


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, required=True, help="number of facts")
    parser.add_argument("--out", type=Path, required=True, help="data directory to write (replaced)")
    parser.add_argument("--seed", type=int, default=20240501)
    args = parser.parse_args(argv)
    Generator(args.facts, args.seed).write(args.out)
    files = len(list((args.out / "facts").iterdir()))
    sys.stderr.write(f"wrote {args.facts} facts in {files} fact files to {args.out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
