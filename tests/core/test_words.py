from metrotui.core.words import counted, plural


def test_one_is_singular_and_others_plural() -> None:
    assert counted(1, "station") == "1 station"
    assert counted(0, "station") == "0 stations"
    assert counted(2, "topic") == "2 topics"
    assert counted(12500, "mark") == "12,500 marks"


def test_irregular_and_given_plurals() -> None:
    assert counted(2, "match") == "2 matches"
    assert counted(1, "person", "people") == "1 person"
    assert counted(3, "person", "people") == "3 people"
    assert plural("entry", 5) == "entries"
