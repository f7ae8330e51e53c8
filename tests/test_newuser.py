"""What a new user tripped over (issue 16): lookups, options, messages, the notebook summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import aitrends
from aitrends.cli import app

from .conftest import FIXTURE_DATA, fixture_args


def run(runner, *args, code=0):
    result = runner.invoke(app, fixture_args(*args))
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result


def ids(result) -> list[str]:
    return [r["id"] for r in json.loads(result.stdout)]


def layer_with_two_sources_from(tmp_path: Path, outlet: str) -> Path:
    """A data layer adding a second source from ``outlet`` to the fixture data."""
    layer = tmp_path / "more"
    layer.mkdir()
    (layer / "sources.yaml").write_text(
        "sources:\n"
        "  - id: gamma-report\n"
        "    title: Gamma report\n"
        "    title_en: Gamma report\n"
        "    title_en_original: true\n"
        "    kind: news\n"
        "    language: [en]\n"
        f"    outlet: {outlet}\n"
        f"    sha256: '{'0' * 64}'\n",
        encoding="utf-8",
    )
    return layer


class TestOutlets:
    """A source named by its outlet: unique ones resolve, shared ones are an ambiguity."""

    @pytest.mark.parametrize("name", ["Example Weekly", "example-weekly", "EXAMPLE WEEKLY"])
    def test_unique_outlet_resolves(self, kb, name):
        assert kb.resolve("sources", name) == "beta-column"

    def test_chinese_outlet_name(self, kb):
        assert kb.resolve("sources", "示例日报") == "alpha-interview"

    def test_cli_source_and_filter(self, runner):
        assert json.loads(run(runner, "source", "Example Weekly", "--json").stdout)["id"] == "beta-column"
        assert set(ids(run(runner, "claims", "--source", "example weekly", "--json"))) == {
            "roe-compute-doubles-6-months",
            "roe-data-runs-out-2026",
            "roe-model-175b-parameters",
        }

    def test_shared_outlet_is_ambiguous(self, tmp_path):
        kb = aitrends.load(
            FIXTURE_DATA, layer_with_two_sources_from(tmp_path, "example-weekly"), bundled=False
        )
        with pytest.raises(aitrends.AmbiguousError) as info:
            kb.resolve("sources", "Example Weekly")
        assert "'beta-column'" in str(info.value) and "'gamma-report'" in str(info.value)
        assert kb.resolve("sources", "beta-column") == "beta-column"  # an id still wins

    @pytest.mark.parametrize("name", ["WIRED", "nbd", "CSDN", "wired"])
    def test_bundled_outlets(self, real_kb, name):
        assert real_kb.resolve("sources", name) == next(
            s.id for s in real_kb.sources if s.outlet == name.lower()
        )


class TestQuoteKind:
    """quote --kind and kb.quotes(kind=...)."""

    def test_api(self, kb):
        assert [f.id for f in kb.quotes("Zhang San", kind="quote")] == ["zhang-open-source-matters"]
        assert {f.kind.value for f in kb.quotes("Zhang San", kind=["Forecasts", "claim"])} == {
            "forecast",
            "claim",
        }

    def test_cli(self, runner):
        assert ids(run(runner, "quote", "-p", "Zhang San", "--kind", "Quote", "--json")) == [
            "zhang-open-source-matters"
        ]

    def test_bad_kind(self, runner):
        result = run(runner, "quote", "-p", "Zhang San", "--kind", "memo", code=2)
        assert result.stderr == "Error: --kind: 'memo' is not one of claim, forecast, quote, figure\n"


class TestForgiving:
    """Case and number forgiven in --kind, --status and fact ids."""

    @pytest.mark.parametrize("kind", ["Quote", "quotes", " QUOTE "])
    def test_kind(self, runner, kind):
        assert ids(run(runner, "claims", "--kind", kind, "--json")) == ["zhang-open-source-matters"]

    def test_kind_plural_figures(self, runner):
        assert len(ids(run(runner, "claims", "--kind", "figures", "--json"))) == 2

    @pytest.mark.parametrize("status", ["Due", "DUE", "due"])
    def test_status(self, runner, status):
        got = ids(run(runner, "forecasts", "--status", status, "--as-of", "2031-01-01", "--json"))
        assert got == ids(run(runner, "forecasts", "--status", "due", "--as-of", "2031-01-01", "--json"))
        assert got

    def test_show_upper_case_id(self, runner):
        got = json.loads(run(runner, "show", "ZHANG-OPEN-SOURCE-MATTERS", "--json").stdout)
        assert got["id"] == "zhang-open-source-matters"


class TestTypoNotice:
    """A corrected typo is one line on stderr with a table; JSON stays clean."""

    def test_table(self, runner):
        result = run(runner, "claims", "--person", "Zhang Sam")
        assert result.stderr == "taking 'Zhang Sam' as Zhang San\n"

    def test_json_is_clean(self, runner):
        assert run(runner, "claims", "--person", "Zhang Sam", "--json").stderr == ""

    def test_exact_name_has_no_notice(self, runner):
        assert run(runner, "claims", "--person", "Zhang San").stderr == ""


class TestSuggestions:
    """Prefix and substring matches of ids first; no far-fetched guesses."""

    def test_prefix_first(self, real_kb):
        with pytest.raises(aitrends.UsageError) as info:
            real_kb.resolve("topics", "inference")
        assert str(info.value) == "unknown topic 'inference' (did you mean 'inference-cost'?)"

    def test_nothing_close(self, real_kb):
        with pytest.raises(aitrends.UsageError) as info:
            real_kb.resolve("topics", "solar")
        assert str(info.value) == "unknown topic 'solar'"

    def test_fact_prefix(self, kb):
        with pytest.raises(aitrends.NotFoundError) as info:
            kb.get("zhang-market")
        assert str(info.value) == (
            "unknown fact 'zhang-market' (did you mean 'zhang-market-size-2023' or 'zhang-market-size-2030'?)"
        )


class TestUsageErrors:
    """One line, exit 2, for a range that cannot hold anything and a negative limit."""

    def test_since_after_until(self, runner):
        result = run(runner, "claims", "--since", "2025", "--until", "2023", code=2)
        assert result.stderr == "Error: --since 2025 is after --until 2023: no date can be both\n"

    def test_since_after_until_api(self, kb):
        with pytest.raises(aitrends.UsageError):
            kb.facts(since="2025", until="2023")

    @pytest.mark.parametrize("command", [["claims"], ["quote", "-p", "Jane Roe"], ["forecasts"]])
    def test_negative_limit(self, runner, command):
        result = run(runner, *command, "-n", "-1", code=2)
        assert result.stderr == "Error: --limit: -1 is not 0 or more\n"


class TestMessages:
    """Messages agree in case and number."""

    def test_validate_counts_agree(self, runner):
        stderr = run(runner, "validate").stderr
        assert "1 quote," in stderr and "1 quotes" not in stderr and "0 resolutions" in stderr

    @pytest.mark.parametrize(
        "args",
        [["show", "nope"], ["claims", "--topic", "nope"], ["cite", "nope"], ["related", "nope"]],
    )
    def test_lower_case_after_error(self, runner, args):
        result = runner.invoke(app, fixture_args(*args))
        assert result.stderr.startswith("Error: unknown "), result.stderr


class TestUndated:
    """Forecasts with no deadline have their own status; open means a deadline ahead."""

    def test_statuses(self, runner):
        result = runner.invoke(app, ["forecasts", "--as-of", "2024-06-01", "--json"])
        rows = json.loads(result.stdout)
        by = {r["id"]: r["status"] for r in rows}
        for r in rows:
            if r["horizon_end"] is None:
                assert by[r["id"]] == "undated"
            else:
                assert by[r["id"]] in ("open", "due")
        assert "undated" in by.values()

    def test_open_has_a_deadline(self, runner):
        rows = json.loads(
            run(runner, "forecasts", "--status", "open", "--as-of", "2024-06-01", "--json").stdout
        )
        assert rows and all(r["horizon_end"] for r in rows)


class TestRelatedWording:
    """Related facts give reasons in plain English."""

    def test_no_broken_phrases(self, real_kb):
        from aitrends.relate import related

        reasons = {
            reason for f in real_kb.all_facts[:200] for r in related(real_kb, f.id) for reason in r.reasons
        }
        assert not any(r.startswith("this fact same") or "is the same as it" in r for r in reasons)


class TestSummary:
    """kb shows a summary, as text and as HTML."""

    def test_repr(self, kb):
        text = repr(kb)
        assert text.startswith("<KnowledgeBase: 8 facts (2 claims, 3 forecasts, 1 quote, 2 figures)")
        assert "2 sources" in text and "4 people" in text and str(FIXTURE_DATA) in text

    def test_html(self, kb):
        html = kb._repr_html_()
        assert html.startswith("<table>") and "<td>8 (2 claim, 3 forecast, 1 quote, 2 figure)</td>" in html

    def test_bundled_layer(self, real_kb):
        assert real_kb.summary()["layers"] == ["bundled"]


def my_layer(tmp_path: Path) -> tuple[Path, Path]:
    """A data layer with one new source and fact, and a directory with only its article."""
    import hashlib

    articles = tmp_path / "mine"
    articles.mkdir()
    article = "Gamma Weekly\n\nJane Roe: inference gets cheaper every year.\n"
    (articles / "gamma.txt").write_text(article, encoding="utf-8")
    sha = hashlib.sha256(article.encode("utf-8")).hexdigest()
    layer = tmp_path / "mydata"
    (layer / "facts").mkdir(parents=True)
    (layer / "sources.yaml").write_text(
        "sources:\n  - id: gamma-column\n    title: Gamma column\n    title_en: Gamma column\n"
        "    title_en_original: true\n    kind: column\n    language: [en]\n"
        f"    outlet: example-weekly\n    sha256: '{sha}'\n",
        encoding="utf-8",
    )
    (layer / "facts" / "gamma-column.yaml").write_text(
        "source: gamma-column\nfacts:\n  - id: roe-inference-cheaper\n    kind: claim\n"
        "    speaker: jane-roe\n    topics: [cost]\n    statement: Roe says inference gets cheaper every year.\n"
        "    excerpt: inference gets cheaper every year\n    excerpt_en: inference gets cheaper every year\n"
        "    excerpt_en_original: true\n",
        encoding="utf-8",
    )
    return layer, articles


class TestVerifyLayers:
    """verify checks the chosen layers only, and says which sources it skipped."""

    def test_all_layers_fail_without_their_articles(self, runner, tmp_path):
        layer, articles = my_layer(tmp_path)
        result = run(runner, "--data-dir", str(layer), "verify", "--articles", str(articles), code=1)
        assert "2 sources without an article" in result.stderr

    def test_layer(self, runner, tmp_path):
        layer, articles = my_layer(tmp_path)
        result = run(
            runner, "--data-dir", str(layer), "verify", "--articles", str(articles), "--layer", str(layer)
        )
        assert result.stderr.splitlines() == [
            "note: skipped source 'alpha-interview' (in layer " + str(FIXTURE_DATA) + ")",
            "note: skipped source 'beta-column' (in layer " + str(FIXTURE_DATA) + ")",
            "OK: 2 excerpts found verbatim in 1 article; 2 sources skipped",
        ]

    def test_only_given(self, runner, tmp_path):
        layer, articles = my_layer(tmp_path)
        result = run(runner, "--data-dir", str(layer), "verify", "--articles", str(articles), "--only-given")
        assert result.stderr.endswith("OK: 2 excerpts found verbatim in 1 article; 2 sources skipped\n")
        assert "(no article given)" in result.stderr

    def test_unknown_layer(self, runner, tmp_path):
        layer, articles = my_layer(tmp_path)
        result = run(
            runner, "--data-dir", str(layer), "verify", "--articles", str(articles), "--layer", "x", code=2
        )
        assert result.stderr.startswith("Error: --layer: x is not a loaded layer")


def write_facts(tmp_path: Path, body: str) -> Path:
    layer = tmp_path / "layer"
    (layer / "facts").mkdir(parents=True)
    (layer / "facts" / "mine.yaml").write_text(body, encoding="utf-8")
    return layer


def problems(layer: Path) -> list[str]:
    with pytest.raises(aitrends.DataError) as info:
        aitrends.load(FIXTURE_DATA, layer, bundled=False)
    return [f"{p.location}: {p.message}" for p in info.value.problems]


class TestOnePass:
    """Every problem of a file in one pass."""

    def test_missing_kind_and_the_other_fields(self, tmp_path):
        layer = write_facts(
            tmp_path,
            "source: beta-column\nfacts:\n  - id: roe-x\n    speaker: jane-roe\n    topcs: [cost]\n"
            "    statement: Roe says so.\n    excerpt: Training compute doubles every 6 months\n",
        )
        assert problems(layer) == [
            "facts[0].kind: required field is missing (one of claim, forecast, quote, figure)",
            "facts[0].topics: required field is missing",
            "facts[0].topcs: unknown field (did you mean 'topics'?)",
        ]

    def test_references_of_an_invalid_fact(self, tmp_path):
        layer = write_facts(
            tmp_path,
            "source: beta-column\nfacts:\n  - id: roe-x\n    kind: claim\n    speaker: jane-rowe\n"
            "    topcs: [cost]\n    statement: Roe says so.\n    excerpt: Training compute doubles every 6 months\n",
        )
        assert (
            "facts[0].speaker: unknown person or organization 'jane-rowe' (did you mean 'jane-roe'?)"
            in problems(layer)
        )

    def test_broken_example_shows_all_three(self, runner):
        from .conftest import ROOT

        result = runner.invoke(app, ["--data-dir", str(ROOT / "docs/examples/broken-data"), "validate"])
        assert result.stderr.count("facts[0].") == 3 and "amodie" in result.stderr


class TestFriendlierData:
    """period_unit in the plural; no excerpt_en needed for an English source."""

    def test_months(self, tmp_path):
        layer = write_facts(
            tmp_path,
            "source: beta-column\nfacts:\n  - id: roe-x\n    kind: claim\n    speaker: jane-roe\n"
            "    topics: [compute]\n    statement: Roe says compute doubles every six months.\n"
            "    excerpt: Training compute doubles every 6 months\n"
            "    rate: {direction: growth, factor: 2, period: 6, period_unit: months, stated: doubles every 6 months}\n",
        )
        kb = aitrends.load(FIXTURE_DATA, layer, bundled=False)
        fact = kb.get("roe-x")
        assert fact.rate.period_unit.value == "month"
        assert fact.excerpt_en == fact.excerpt and fact.excerpt_en_original

    def test_chinese_source_still_needs_excerpt_en(self, tmp_path):
        layer = write_facts(
            tmp_path,
            "source: alpha-interview\nfacts:\n  - id: zhang-x\n    kind: claim\n    speaker: zhang-san\n"
            "    topics: [cost]\n    statement: Zhang says so.\n    excerpt: 推理成本每年下降十倍\n",
        )
        assert problems(layer) == ["facts[0].excerpt_en: required field is missing"]


class TestInstallHint:
    """Missing-extra hints say what works for the way aitrends was installed."""

    class Dist:
        def __init__(self, direct_url):
            self.direct_url = direct_url

        def read_text(self, name):
            return self.direct_url if name == "direct_url.json" else None

    @pytest.mark.parametrize(
        ("direct_url", "hint"),
        [
            (
                '{"url": "file:///home/me/aitrends", "dir_info": {"editable": true}}',
                "pip install -e '/home/me/aitrends[plot]'",
            ),
            ('{"url": "file:///home/me/aitrends", "dir_info": {}}', "pip install '/home/me/aitrends[plot]'"),
            (
                '{"url": "https://example.org/me/aitrends.git", "vcs_info": {"vcs": "git", "commit_id": "abc"}}',
                "pip install 'aitrends[plot] @ git+https://example.org/me/aitrends.git'",
            ),
            (
                '{"url": "file:///tmp/aitrends-0.1-py3-none-any.whl", "archive_info": {}}',
                "pip install matplotlib",
            ),
            (None, "pip install 'aitrends[plot]'"),
        ],
        ids=["editable clone", "clone", "git", "wheel file", "index"],
    )
    def test_hint(self, monkeypatch, direct_url, hint):
        from importlib import metadata

        from aitrends.frames import install_hint

        monkeypatch.setattr(metadata, "distribution", lambda name: self.Dist(direct_url))
        assert install_hint("plot", "matplotlib") == hint

    def test_not_installed(self, monkeypatch):
        from importlib import metadata

        from aitrends.frames import install_hint

        def missing(name):
            raise metadata.PackageNotFoundError(name)

        monkeypatch.setattr(metadata, "distribution", missing)
        assert install_hint("plot", "matplotlib") == "pip install matplotlib"


class TestTourNames:
    """The tour notebook promises only names the data has."""

    def test_every_promised_name_resolves(self, real_kb):
        import re

        from .conftest import ROOT

        nb = json.loads((ROOT / "docs/notebooks/tour.ipynb").read_text(encoding="utf-8"))
        text = "".join("".join(c["source"]) for c in nb["cells"])
        listed = re.findall(r"by any of their names \(([^)]*)\)", text)
        assert listed
        for names in listed:
            for name in names.split(", "):
                assert real_kb.lookup("entities", name).how in ("exact", "word"), name
        for name in re.findall(r'kb\.quotes\("([^"]+)"', text):
            real_kb.resolve("entities", name)


class TestCheckNumbers:
    """check --format json gives the stated and computed values as numbers, with units."""

    def test_typed(self, runner):
        rows = json.loads(runner.invoke(app, ["check", "--json"]).stdout)
        cagr = next(r for r in rows if r["check"] == "CAGR vs start and end values")
        assert cagr["stated_value"] == {"low": 27.02, "high": 27.02, "unit": "percent a year"}
        assert abs(cagr["computed_value"]["low"] - 27.03) < 0.01
        for r in rows:
            for key in ("stated_value", "computed_value"):
                value = r[key]
                assert isinstance(value["unit"], str)
                assert all(v is None or isinstance(v, float) for v in (value["low"], value["high"]))

    def test_table_has_fact_ids(self, runner):
        out = runner.invoke(app, ["check"], env={"COLUMNS": "200"}).stdout
        assert "nbd-precedence-genai-market-cagr-2023-2032" in out
