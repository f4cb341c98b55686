"""Roadmaps shaped unlike the GenAI map, for the map's layout and snapshot tests.

Written here in the shape of real ones: a twelve-line computer-science
curriculum whose courses need courses on other lines, a catalogue of lecture
videos with no order at all, and a map titled in Japanese, with an emoji and
a combining accent among the titles.
"""

from __future__ import annotations

from typing import Any

from metrotui.core.curriculum import Curriculum
from tests.helpers import make_curriculum

PALETTE = [
    "#7b3fb5",
    "#4fadea",
    "#4fad5b",
    "#e0a030",
    "#d04050",
    "#40b0a0",
    "#a06030",
    "#6070d0",
    "#c050a0",
    "#80a030",
    "#3090c0",
    "#b07070",
]

# line id, line name, then its courses: (station id, title, prerequisites).
CS_LINES: list[tuple[str, str, list[tuple[str, str, list[str]]]]] = [
    (
        "intro",
        "Intro CS",
        [("intro-cs", "Introduction to Computer Science", [])],
    ),
    (
        "programming",
        "Core programming",
        [
            ("htc-simple", "How to Code: Simple Data", ["intro-cs"]),
            ("htc-complex", "How to Code: Complex Data", ["htc-simple"]),
            ("prog-langs", "Programming Languages", ["htc-complex"]),
            ("oop", "Object-Oriented Design", ["prog-langs"]),
            ("testing", "Software Testing", ["oop"]),
        ],
    ),
    (
        "math",
        "Core math",
        [
            ("calculus", "Calculus 1A: Differentiation", []),
            ("calculus-b", "Calculus 1B: Integration", ["calculus"]),
            ("math-cs", "Mathematics for Computer Science", ["calculus-b"]),
        ],
    ),
    (
        "tools",
        "CS tools",
        [
            ("missing-semester", "The Missing Semester", []),
            ("git", "Version Control with Git", []),
        ],
    ),
    (
        "systems",
        "Core systems",
        [
            ("nand2tetris", "Build a Modern Computer", ["intro-cs"]),
            ("nand2tetris-2", "From Nand to Tetris Part II", ["nand2tetris"]),
            ("os", "Operating Systems: Three Easy Pieces", ["nand2tetris-2", "htc-complex"]),
            ("networking", "Computer Networking", ["os"]),
        ],
    ),
    (
        "theory",
        "Core theory",
        [
            ("algorithms", "Divide and Conquer, Sorting", ["math-cs", "htc-complex"]),
            ("graphs", "Graph Search, Shortest Paths", ["algorithms"]),
            ("greedy", "Greedy Algorithms, MSTs", ["graphs"]),
        ],
    ),
    (
        "security",
        "Core security",
        [
            ("cybersecurity", "Cybersecurity Fundamentals", ["networking"]),
            ("secure-code", "Principles of Secure Coding", ["oop"]),
        ],
    ),
    (
        "applications",
        "Core applications",
        [
            ("databases", "Databases: Modeling and Theory", ["htc-complex"]),
            ("ml", "Machine Learning", ["math-cs", "databases"]),
            ("graphics", "Computer Graphics", ["math-cs"]),
        ],
    ),
    (
        "ethics",
        "Core ethics",
        [("ethics", "Ethics, Technology and Engineering", ["intro-cs"])],
    ),
    (
        "adv-programming",
        "Advanced programming",
        [
            ("compilers", "Compilers", ["prog-langs", "greedy"]),
            ("parallel", "Parallel Programming", ["compilers"]),
        ],
    ),
    (
        "adv-systems",
        "Advanced systems",
        [
            ("architecture", "Computer Architecture", ["nand2tetris-2"]),
            ("distributed", "Distributed Systems", ["architecture", "networking"]),
        ],
    ),
    (
        "final",
        "Final project",
        [("capstone", "Capstone Project", ["testing", "distributed", "ml"])],
    ),
]


def _station(
    station_id: str, number: int, title: str, line: str, needs: list[str], topics: int
) -> dict[str, Any]:
    return {
        "id": station_id,
        "number": number,
        "title": title,
        "line": line,
        "summary": f"The course {title}.",
        "prerequisites": needs,
        "topics": [
            {"id": f"{station_id}-week-{n}", "title": f"Week {n} of {title}"}
            for n in range(1, topics + 1)
        ],
    }


def _curriculum(
    curriculum_id: str, title: str, lines: list[tuple[str, str, list[tuple[str, str, list[str]]]]]
) -> Curriculum:
    stations = []
    for line_id, _, courses in lines:
        for station_id, course, needs in courses:
            number = len(stations) + 1
            topics = 2 + number % 4
            stations.append(_station(station_id, number, course, line_id, needs, topics))
    raw = {
        "schema_version": 1,
        "id": curriculum_id,
        "title": title,
        "lines": [
            {"id": line_id, "name": name, "color": PALETTE[k % len(PALETTE)]}
            for k, (line_id, name, _) in enumerate(lines)
        ],
        "stations": stations,
    }
    return make_curriculum(raw)


def computer_science() -> Curriculum:
    """Twelve lines; courses need courses on other lines, some need nothing."""
    return _curriculum("cs-curriculum", "Computer Science Curriculum", CS_LINES)


def lecture_catalogue() -> Curriculum:
    """Two lines of lecture videos, watched in any order: no prerequisites at all."""
    lectures = [
        "Intro and Word Vectors",
        "Neural Classifiers",
        "Backpropagation",
        "Dependency Parsing",
        "Recurrent Networks",
        "Sequence to Sequence",
    ]
    talks = ["Guest Talk: Scaling Laws", "Guest Talk: Interpretability", "Guest Talk: Safety"]
    return _curriculum(
        "lecture-catalogue",
        "Lecture Catalogue",
        [
            ("lectures", "Lectures", [(f"lecture-{n}", t, []) for n, t in enumerate(lectures)]),
            ("talks", "Guest talks", [(f"talk-{n}", t, []) for n, t in enumerate(talks)]),
        ],
    )


def japanese() -> Curriculum:
    """Titles two cells a character wide, an emoji and a combining accent."""
    return _curriculum(
        "japanese-map",
        "機械学習ロードマップ",
        [
            (
                "kiso",
                "基礎",
                [
                    ("senkei", "線形代数の基礎", []),
                    ("kakuritsu", "確率と統計 📊", ["senkei"]),
                    ("python", "Python 入門", ["kakuritsu"]),
                ],
            ),
            (
                "shinso",
                "深層学習",
                [
                    ("nn", "ニューラルネットワーク", ["python"]),
                    ("cnn", "畳み込みネットワーク", ["nn"]),
                    ("transformer", "トランスフォーマー", ["cnn", "senkei"]),
                ],
            ),
            (
                "jissen",
                "実践",
                [
                    ("cafe", "Cafe\u0301 de データ分析", ["python"]),
                    ("deploy", "モデルのデプロイ 🚀", ["cafe", "nn"]),
                ],
            ),
        ],
    )
