"""metrotui convert on small READMEs written here, one rule each (issue 13)."""

from __future__ import annotations

import json
from textwrap import dedent
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrotui.core.convert.markdown import ConvertError, MarkdownOptions, read_markdown
from metrotui.core.convert.outline import Conversion, Provenance, build
from metrotui.core.convert.slugs import Slugs, slug
from metrotui.storage.curriculum_file import parse_curriculum


def convert(markdown: str, layout: str | None = None, **options: Any) -> Conversion:
    """Convert, and check the result with the checker every curriculum file goes through."""
    outline = read_markdown(dedent(markdown), MarkdownOptions(**options))
    conversion = build(outline, layout, Provenance("README.md"))
    parse_curriculum(json.dumps(conversion.data).encode(), "converted")
    return conversion


def stations(conversion: Conversion) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in conversion.data["stations"]}


def titles(row: dict[str, Any]) -> list[str]:
    return [topic["title"] for topic in row["topics"]]


PARTS = """
    # Learn Things

    Intro to the whole course.

    ## Basics

    ### 1. Setup

    Get your machine ready.

    - **Editor:** pick one
    - **Shell**: learn the basics

    ### 2. Syntax

    - Variables
    - Loops

    ## Advanced

    ### 3. Types

    - Generics
"""


def test_the_level_holding_the_lists_gives_stations_and_its_parent_the_lines() -> None:
    conversion = convert(PARTS)
    data = conversion.data
    assert [line["name"] for line in data["lines"]] == ["Basics", "Advanced"]
    assert [row["title"] for row in data["stations"]] == ["Setup", "Syntax", "Types"]
    assert [row["number"] for row in data["stations"]] == [1, 2, 3]
    assert data["title"] == "Learn Things" and data["description"] == "Intro to the whole course."
    # A first paragraph is the station's summary.
    assert stations(conversion)["setup"]["summary"] == "Get your machine ready."
    assert "Stations are the h3 sections; lines are the h2 sections." in conversion.report


def test_stations_and_lines_can_be_chosen() -> None:
    one_line = convert(PARTS, lines="none")
    assert len(one_line.data["lines"]) == 1 and len(one_line.data["stations"]) == 3
    as_h2 = convert(PARTS, stations="h2", lines="none")
    assert [row["title"] for row in as_h2.data["stations"]] == ["Basics", "Advanced"]
    assert titles(as_h2.data["stations"][0]) == ["Editor", "Shell", "Variables", "Loops"]
    with pytest.raises(ConvertError, match="above the stations"):
        convert(PARTS, stations="h2", lines="h3")


def test_headings_inside_list_items_count_as_headings() -> None:
    conversion = convert(
        """
        # Data structures

        - ## Linear
          - ### Arrays
            - Indexing
            - Slicing
          - ### Linked lists
            - Insertion
        - ## Trees
          - ### Binary trees
            - Traversal
        """
    )
    data = conversion.data
    assert [line["name"] for line in data["lines"]] == ["Linear", "Trees"]
    assert [row["title"] for row in data["stations"]] == ["Arrays", "Linked lists", "Binary trees"]
    assert titles(data["stations"][0]) == ["Indexing", "Slicing"]


def test_boilerplate_sections_are_skipped_and_reported() -> None:
    conversion = convert(
        """
        # Roadmap

        ## Table of Contents

        - [Basics](#basics)

        ## Basics

        - Variables

        ## Contributing

        - Open a pull request

        ## License

        - MIT
        """
    )
    assert [row["title"] for row in conversion.data["stations"]] == ["Basics"]
    report = "\n".join(conversion.report)
    for title in ("Table of Contents", "Contributing", "License"):
        assert f'"{title}" (boilerplate)' in report


def test_every_form_of_topic_is_read() -> None:
    conversion = convert(
        """
        ## Week 1

        - **Bold label:** with its text
        - **Bold outside**: colon after it
        - Plain title: text after a colon
        - [ ] An open task
        - [x] A finished task
        - A plain bullet
        - Nested parent
          - first detail
          - second detail
            - deeper
        - ...
        - and more
        """
    )
    (row,) = conversion.data["stations"]
    topics = {topic["title"]: topic.get("summary", "") for topic in row["topics"]}
    assert list(topics) == [
        "Bold label",
        "Bold outside",
        "Plain title",
        "An open task",
        "A finished task",
        "A plain bullet",
        "Nested parent",
    ]
    assert topics["Bold label"] == "with its text"
    assert topics["Bold outside"] == "colon after it"
    assert topics["Plain title"] == "text after a colon"
    assert topics["Nested parent"] == "- first detail\n- second detail\n  - deeper"
    assert '2 filler bullets ("...", "and more")' in "\n".join(conversion.report)


def test_a_course_table_gives_one_topic_per_row_with_the_other_columns_as_meta() -> None:
    conversion = convert(
        """
        ## Core programming

        | Courses | Duration | Effort |
        |---------|----------|--------|
        | [Systematic Program Design](https://www.edx.org/spd) | 13 weeks | 8-10 hours/week |
        | Class-based Program Design | 6 weeks | 6 hours/week |
        """
    )
    (row,) = conversion.data["stations"]
    assert titles(row) == ["Systematic Program Design", "Class-based Program Design"]
    assert row["topics"][0]["meta"] == {"Duration": "13 weeks", "Effort": "8-10 hours/week"}
    assert row["references"] == [
        {"title": "Systematic Program Design", "url": "https://www.edx.org/spd", "kind": "course"}
    ]


def test_a_syllabus_written_as_one_list_gives_its_items_as_stations() -> None:
    markdown = """
        # Algorithms syllabus

        1. Sorting
           - Merge sort
           - Quick sort
        2. Graphs
           - BFS
           - DFS
        3. Dynamic programming
           - Knapsack
    """
    conversion = convert(markdown)
    data = conversion.data
    assert [row["title"] for row in data["stations"]] == [
        "Sorting",
        "Graphs",
        "Dynamic programming",
    ]
    assert [row["number"] for row in data["stations"]] == [1, 2, 3]
    assert titles(data["stations"][1]) == ["BFS", "DFS"]
    assert data["stations"][1]["prerequisites"] == ["sorting"]
    assert convert(markdown, stations="list").data == data


def test_a_readme_with_no_structure_is_one_line_of_its_items() -> None:
    conversion = convert("Some words.\n\n- Read a book\n- Write a program\n")
    assert [row["title"] for row in conversion.data["stations"]] == [
        "Read a book",
        "Write a program",
    ]
    assert all(row["prerequisites"] == [] for row in conversion.data["stations"])


def test_a_readme_of_images_has_nothing_to_import() -> None:
    with pytest.raises(ConvertError, match="nothing to import: looked for sections"):
        convert("# Pictures\n\n## One\n\n![a](a.png)\n\n## Two\n\n- ![b](b.png)\n")


REFERENCES = """
    ## 1. Basics

    - **Attention:** see [the paper](https://arxiv.org/abs/1706.03762) inline

    📚 **References:**
    * [Lecture](https://www.youtube.com/watch?v=abc)
    * [Code](https://github.com/a/b) and [again](https://github.com/a/b)
    * [Guide](https://docs.python.org/3/tutorial/)
    * [Deep Learning](https://www.deeplearningbook.org/)<sup>FREE BOOK</sup>
    * [Print edition](https://example.com/dl) (book)
    * [Blog post](https://example.com/post)
    * [Up the page](#basics)
    * [Local notes](notes/intro.md)

    ## 2. More

    - [Course page](https://example.com/course) - a link as the topic
"""


def test_curated_references_are_told_apart_from_links_in_topic_text() -> None:
    conversion = convert(REFERENCES)
    first, second = conversion.data["stations"]
    assert [(ref["url"], ref["kind"]) for ref in first["references"]] == [
        ("https://www.youtube.com/watch?v=abc", "video"),
        ("https://github.com/a/b", "repo"),  # once: duplicates in a station are merged
        ("https://docs.python.org/3/tutorial/", "docs"),
        ("https://www.deeplearningbook.org/", "free-book"),
        ("https://example.com/dl", "book"),
        ("https://example.com/post", "article"),
    ]
    # With no curated block, the station's links are its references.
    assert second["references"] == [
        {"title": "Course page", "url": "https://example.com/course", "kind": "article"}
    ]
    assert second["topics"][0] == {
        "id": "course-page",
        "title": "Course page",
        "summary": "a link as the topic",
    }
    report = "\n".join(conversion.report)
    assert "1 relative link (give --base-url to keep them)" in report
    assert "1 link to places in the page itself" in report


def test_relative_links_resolve_with_a_base_url() -> None:
    conversion = convert(REFERENCES, base_url="https://example.org/repo/blob/main")
    urls = [ref["url"] for ref in conversion.data["stations"][0]["references"]]
    assert "https://example.org/repo/blob/main/notes/intro.md" in urls
    assert "relative link" not in "\n".join(conversion.report)


def test_paper_kind_for_arxiv_and_doi() -> None:
    conversion = convert(
        "## A\n\n- x\n\n### Resources\n\n- [P](https://arxiv.org/abs/1)\n- [D](https://doi.org/10.1/2)\n"
    )
    assert [ref["kind"] for ref in conversion.data["stations"][0]["references"]] == [
        "paper",
        "paper",
    ]


def test_layout_default_follows_the_document_and_is_printed() -> None:
    fork = convert(
        """
        ## Foundations
        ### 1. A
        - a
        ## Data path
        ### 2. B
        - b
        ## Web path
        ### 3. C
        - c
        """
    )
    assert [row["prerequisites"] for row in fork.data["stations"]] == [[], ["a"], ["a"]]
    assert any(line.startswith("Layout: fork") for line in fork.report)
    catalogue = convert("## Videos\n\n- One\n\n## Talks\n\n- Two\n")
    assert all(row["prerequisites"] == [] for row in catalogue.data["stations"])
    assert any(line.startswith("Layout: none") for line in catalogue.report)
    asked = convert("## Videos\n\n- One\n\n## Talks\n\n- Two\n", layout="chain")
    assert asked.data["stations"][1]["prerequisites"] == ["videos"]
    assert any("(as asked)" in line for line in asked.report)


def test_numbering_that_restarts_per_part_keeps_its_numbers_and_chains() -> None:
    conversion = convert(
        """
        ## Part 1
        ### 1. Tokens
        - a
        ### 2. Embeddings
        - b
        ## Part 2
        ### 1. Serving
        - c
        ### 2. Scaling
        - d
        """
    )
    rows = conversion.data["stations"]
    assert [row["number"] for row in rows] == [1, 2, 1, 2]
    assert [row["prerequisites"] for row in rows] == [[], ["tokens"], ["embeddings"], ["serving"]]
    assert any(line.startswith("Layout: chain") for line in conversion.report)


def test_ids_are_ascii_folded_short_and_unique() -> None:
    assert slug("Introduction to Machine Learning (Tübingen)") == (
        "introduction-to-machine-learning-tubingen"
    )
    assert slug("Straße & Æsir") == "strasse-aesir"
    assert slug("数据结构") == "数据结构"  # no close ASCII form: kept as letters
    long = slug("word " * 40)
    assert len(long) <= 64 and not long.endswith("-")
    ids = Slugs()
    assert [ids.claim("Evaluation", "x") for _ in range(3)] == [
        "evaluation",
        "evaluation-2",
        "evaluation-3",
    ]
    assert ids.claim("!!!", "topic-1") == "topic-1"


def test_a_change_of_case_or_punctuation_keeps_the_id() -> None:
    assert slug("Data Pre-processing") == slug("Data Pre-Processing") == slug("data pre processing")


def test_editing_one_section_leaves_every_other_id_alone() -> None:
    before = convert(PARTS).data
    edited = PARTS.replace("- Variables", "- Constants\n    - Variables").replace(
        "### 2. Syntax", "### 2. Syntax and Semantics"
    )
    after = convert(edited).data
    ids = lambda data: [  # noqa: E731
        (row["id"], [topic["id"] for topic in row["topics"]])
        for row in data["stations"]
        if row["title"] != "Syntax" and not row["title"].startswith("Syntax ")
    ]
    assert ids(before) == ids(after)
    assert json.dumps(convert(PARTS).data) == json.dumps(before)  # same input, same output


def test_titles_of_decoration_alone_still_give_a_valid_file() -> None:
    conversion = convert("## 🚀\n\n- Launch\n\n### 📚 ✨\n\nJust text.\n\n## 🎯\n\n- Aim\n")
    rows = conversion.data["stations"]  # and the file validates: convert() checks it
    assert [(row["id"], row["title"]) for row in rows] == [
        ("station-1", "Untitled station"),
        ("station-2", "Untitled station"),
    ]
    assert titles(rows[0]) == ["Launch", "Topic 2"]


def test_ids_keep_letters_of_scripts_without_an_ascii_form() -> None:
    assert slug("हिंदी व्याकरण") == "हिंदी-व्याकरण"  # vowel signs are marks, kept in the word
    conversion = convert("## हिंदी व्याकरण\n\n- संज्ञा\n- सर्वनाम\n")
    assert conversion.data["stations"][0]["id"] == "हिंदी-व्याकरण"


def test_a_title_whose_case_changed_keeps_its_topic_and_station_ids() -> None:
    before = convert("## Data Pre-processing\n\n- Feature scaling\n- Missing data\n").data
    after = convert("## Data pre-Processing!\n\n- Feature Scaling\n- missing data\n").data
    ids = lambda data: [  # noqa: E731
        (row["id"], [topic["id"] for topic in row["topics"]]) for row in data["stations"]
    ]
    assert (
        ids(before) == ids(after) == [("data-pre-processing", ["feature-scaling", "missing-data"])]
    )


def test_bullets_of_pictures_alone_are_dropped_and_counted_apart_from_filler() -> None:
    conversion = convert("## Gallery\n\n- ![one](1.png)\n- A caption\n- …\n")
    assert titles(conversion.data["stations"][0]) == ["A caption"]
    report = "\n".join(conversion.report)
    assert "1 bullet without text (pictures alone)" in report
    assert '1 filler bullet ("...", "and more")' in report


def test_several_top_headings_are_parts_not_the_title() -> None:
    outline = read_markdown(
        "# Part one\n\n## A\n\n- a\n\n# Part two\n\n## B\n\n- b\n",
        MarkdownOptions(fallback_title="my-roadmap"),
    )
    assert outline.title == "my-roadmap"
    assert [line.name for line in outline.lines] == ["Part one", "Part two"]


_PIECES = [
    "# Title",
    "## 1. Part",
    "### Section",
    "#### ",
    "## 📚",
    "- item",
    "- **Bold:** text",
    "  - nested",
    "- [ ] task",
    "1. first",
    "- ...",
    "| a | b |\n|---|---|\n| [l](https://x.y) | 2 |",
    "📚 **References:**",
    "* [r](https://github.com/a)",
    "* [relative](a/b.md)",
    "- [anchor](#x)",
    "A paragraph.",
    "> a quote",
    "- ### Heading in an item",
    "",
    "---",
    "- ![picture](p.png)",
    "- Title: text",
    "## References",
    "## License",
    "- 数据 结构",
    "- Tübingen",
    "- " + "long " * 60,
    "## " + "x" * 300,
    "- \u202e bidi",
]


@settings(max_examples=120, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(_PIECES), max_size=30),
    stations=st.sampled_from([None, "h2", "h3", "list"]),
    layout=st.sampled_from([None, "fork", "chain", "none"]),
)
def test_any_markdown_gives_a_valid_curriculum_or_says_why_not(
    pieces: list[str], stations: str | None, layout: str | None
) -> None:
    try:
        convert("\n".join(pieces), layout, stations=stations)  # convert() validates the result
    except ConvertError as error:
        assert str(error)


def test_a_references_section_beside_the_stations_is_reported_not_lost_silently() -> None:
    conversion = convert("## A\n\n- a\n\n## B\n\n- b\n\n## Resources\n\n- [x](https://x.org)\n")
    assert [row["title"] for row in conversion.data["stations"]] == ["A", "B"]
    assert 'Skipped "Resources" (references outside any station).' in conversion.report
