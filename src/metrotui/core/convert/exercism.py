"""An Exercism track's config.json into an outline: concept and practice exercises as two lines.

Each exercise is a station.  An exercise's prerequisites are concepts; the
stations it needs are the concept exercises that teach them (``concepts``),
wherever those stand in the file.  A concept taught by several exercises is
met by any one of them.
"""

from __future__ import annotations

from typing import Any

from metrotui.core.convert.markdown import ConvertError
from metrotui.core.convert.outline import LineDraft, Outline, StationDraft

EXERCISE_PAGE = "https://exercism.org/tracks/{track}/exercises/{exercise}"
_KINDS = (("concept", "Concept exercises"), ("practice", "Practice exercises"))


def is_exercism_config(data: Any) -> bool:
    exercises = data.get("exercises") if isinstance(data, dict) else None
    return isinstance(exercises, dict) and any(
        isinstance(exercises.get(kind), list) for kind, _name in _KINDS
    )


def read_exercism(data: Any) -> Outline:
    """The outline of a track config; raises ConvertError when it has no exercises."""
    if not is_exercism_config(data):
        raise ConvertError("is JSON but not an Exercism track config.json (no exercises list)")
    track = str(data.get("slug") or data.get("language") or "track").lower()
    language = str(data.get("language") or track)
    names = _concept_names(data.get("concepts"))
    outline = Outline(f"Exercism {language} track", kind="Exercism track")
    teachers = _teachers(data["exercises"].get("concept"))
    unknown: set[str] = set()
    for kind, name in _KINDS:
        line = LineDraft(name)
        for exercise in _exercises(data["exercises"].get(kind), outline):
            line.stations.append(_station(exercise, kind, track, names, teachers, unknown))
        outline.lines.append(line)
    outline.lines = [line for line in outline.lines if line.stations]
    if not outline.lines:
        raise ConvertError("nothing to import: the track lists no concept or practice exercises")
    if unknown:
        outline.skipped.append(
            f"prerequisites on {len(unknown)} concept(s) no exercise teaches: "
            + ", ".join(sorted(unknown)[:10])
        )
    outline.notes.append("Prerequisites come from the concepts each exercise needs.")
    return outline


def _concept_names(concepts: Any) -> dict[str, str]:
    if not isinstance(concepts, list):
        return {}
    return {
        str(c["slug"]): str(c.get("name") or c["slug"])
        for c in concepts
        if isinstance(c, dict) and c.get("slug")
    }


def _teachers(concept_exercises: Any) -> dict[str, list[str]]:
    teachers: dict[str, list[str]] = {}
    for exercise in concept_exercises if isinstance(concept_exercises, list) else []:
        if isinstance(exercise, dict) and exercise.get("status") != "deprecated":
            for concept in exercise.get("concepts") or []:
                teachers.setdefault(str(concept), []).append(_key("concept", exercise))
    return teachers


def _key(kind: str, exercise: dict[str, Any]) -> str:
    return f"{kind}:{exercise.get('slug')}"


def _exercises(items: Any, outline: Outline) -> list[dict[str, Any]]:
    kept = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not item.get("slug"):
            continue
        if item.get("status") == "deprecated":
            outline.skipped.append(f'"{item["slug"]}" (deprecated)')
            continue
        kept.append(item)
    return kept


def _station(
    exercise: dict[str, Any],
    kind: str,
    track: str,
    names: dict[str, str],
    teachers: dict[str, list[str]],
    unknown: set[str],
) -> StationDraft:
    slug = str(exercise["slug"])
    title = str(exercise.get("name") or slug.replace("-", " ").title())
    taught = [names.get(str(c), str(c)) for c in exercise.get("concepts") or []]
    practised = [names.get(str(c), str(c)) for c in exercise.get("practices") or []]
    summary = "; ".join(
        part
        for part in (
            f"Teaches {', '.join(taught)}." if taught else "",
            f"Practises {', '.join(practised)}." if practised else "",
        )
        if part
    )
    needs = []
    for concept in exercise.get("prerequisites") or []:
        group = teachers.get(str(concept))
        if group:
            needs.append(group)
        else:
            unknown.add(str(concept))
    meta = {}
    if exercise.get("difficulty") is not None:
        meta["difficulty"] = str(exercise["difficulty"])
    if exercise.get("status") and exercise.get("status") != "active":
        meta["status"] = str(exercise["status"])
    url = EXERCISE_PAGE.format(track=track, exercise=slug)
    station = StationDraft(title, summary=summary, needs=needs, key=_key(kind, exercise))
    station.id_hint = slug
    station.meta = meta
    station.references = [{"title": f"{title} on exercism.org", "url": url, "kind": "course"}]
    return station
