"""The docs: a short README, links that lead somewhere, and tables that match the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tap_zendesk_objects.cli.plugin_definition import about
from tap_zendesk_objects.config.schema import CONFIG_SCHEMA
from tap_zendesk_objects.streams import STREAM_TYPES

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
DOCS = sorted((REPO / "docs").glob("*.md"))
README_MAX_LINES = 300
# Pages that other branches of issue #24 write; linked from the README before they land.
# Once a page exists it is checked like any other (remove it here once merged).
PENDING_PAGES: set[str] = set()
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)


def links(page: Path) -> list[str]:
    """The link targets of a Markdown page, outside code."""
    return LINK.findall(CODE.sub("", page.read_text()))


def anchors(page: Path) -> set[str]:
    """The anchors GitHub makes for a page's headings."""
    seen: dict[str, int] = {}
    found = set()
    for heading in re.findall(r"^#+ (.+)$", CODE.sub("", page.read_text()), re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def table_rows(page: Path, header: str) -> list[list[str]]:
    """The cells of the table whose header row starts with `header`, one list per row."""
    lines = page.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows


def test_readme_is_a_front_door():
    lines = len(README.read_text().splitlines())
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; move detail to docs/"


@pytest.mark.parametrize("page", [README, *DOCS], ids=lambda p: str(p.relative_to(REPO)))
def test_relative_links_lead_to_a_file_and_heading(page: Path):
    broken = []
    for link in links(page):
        if re.match(r"[a-z]+:", link):
            continue  # https:, mailto:
        target, _, anchor = link.partition("#")
        path = (page.parent / target).resolve() if target else page
        name = path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else str(path)
        if not path.exists():
            if name not in PENDING_PAGES:
                broken.append(f"{link}: no file {name}")
        elif anchor and path.suffix == ".md" and anchor not in anchors(path):
            broken.append(f"{link}: no heading #{anchor} in {name}")
    assert not broken, broken


def test_link_check_sees_a_broken_link(tmp_path: Path):
    page = tmp_path / "page.md"
    page.write_text("# Top\n[a](missing.md) [b](#top) [c](#nowhere) `[d](in-code.md)`\n")
    assert links(page) == ["missing.md", "#top", "#nowhere"]
    assert anchors(page) == {"top"}


def test_every_doc_is_linked_from_the_readme():
    linked = {(README.parent / link.partition("#")[0]).resolve() for link in links(README)}
    assert [page.name for page in DOCS if page.resolve() not in linked] == []


def test_readme_counts_the_collections_of_the_registry():
    assert f"offers {len(STREAM_TYPES)} collections" in README.read_text()


def test_the_description_counts_the_collections_of_the_registry():
    counts = [int(n) for n in re.findall(r"\d+", about()["description"])]
    assert len(counts) == 2
    assert sum(counts) == len(STREAM_TYPES)


def test_collections_table_is_the_registry():
    rows = table_rows(REPO / "docs" / "collections.md", "| collection |")
    by_default = {}
    for row in rows:
        for name in re.findall(r"`(\w+)`", row[0]):
            by_default[name] = row[-1]
    documented = {name: answer == "yes" for name, answer in by_default.items()}
    assert documented == {stream.name: stream.selected_by_default for stream in STREAM_TYPES}


def test_settings_table_is_the_config_schema():
    rows = table_rows(REPO / "docs" / "settings.md", "| setting |")
    documented = {re.match(r"`(\w+)`", row[0]).group(1): row[1] for row in rows}
    properties = CONFIG_SCHEMA["properties"]
    assert list(documented) == list(properties)
    for name, schema in properties.items():
        if "default" in schema:
            assert documented[name].strip("`") == str(schema["default"]).lower(), name
