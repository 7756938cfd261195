"""The permission table and the lines people see, without a database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from roleplay.domain.review import Override, Review, ReviewedMark, marks_in_force, override_history
from roleplay.domain.roles import Identity, NotAllowed, is_login_name
from tests.index_data import T0

TABLE = {
    # role: practise, read_team, comment, override, mark_reviewed, manage_team
    "rep": (True, False, False, False, False, False),
    "trainer": (True, True, True, True, True, False),
    "admin": (True, True, True, True, True, True),
    "owner": (True, True, True, True, True, True),
    "single": (True, True, True, True, True, True),
    "none": (False, False, False, False, False, False),
}
ACTIONS = ("practise", "read_team", "comment", "override", "mark_reviewed", "manage_team")


@pytest.mark.parametrize("role", TABLE)
def test_the_permission_table(role: str) -> None:
    who = Identity(role, "ana")  # type: ignore[arg-type]
    assert tuple(who.can(a) for a in ACTIONS) == TABLE[role]  # type: ignore[arg-type]


def test_a_refusal_is_one_line_that_says_whom_to_ask() -> None:
    rep = Identity("rep", "ana", helpers=("tina", "tom", "olga", "ivan"), admins=("olga",))
    with pytest.raises(NotAllowed) as err:
        rep.require("override")
    assert str(err.value) == "only a trainer can override a score; ask tina, tom or olga"
    assert (
        rep.refusal("manage_team")
        == "only an admin can add people and change their roles; ask olga"
    )
    assert rep.refusal("override", "mark_reviewed", "override") == (
        "only a trainer can override a score or mark a session reviewed; ask tina, tom or olga"
    )
    lone = Identity("none", "eve", admins=("owner",))
    assert "not a member of this team index" in lone.refusal("practise")
    assert "`roleplay team add eve --role rep`" in lone.refusal("practise")


def test_authors_come_from_the_login_on_a_shared_index_only() -> None:
    trainer = Identity("trainer", "tina")
    assert trainer.check_author(None) == "tina" and trainer.check_author("tina") == "tina"
    with pytest.raises(NotAllowed, match="you cannot write as 'ben'"):
        trainer.check_author("ben")
    assert Identity("single").check_author("coach") == "coach"
    assert Identity("single").check_author(None) is None


def test_login_names() -> None:
    assert all(is_login_name(n) for n in ("ana", "ben.smith", "_x", "t-1"))
    assert not any(is_login_name(n) for n in ("", "Ana", "1ana", "ana smith", "å", "a" * 49))


def test_override_history_shows_what_each_level_replaced() -> None:
    def o(level: int, minutes: int, who: str = "tina") -> Override:
        at = T0 + timedelta(minutes=minutes)
        return Override(id=f"o{minutes}", author=who, at=at, criterion="c", level=level, reason="r")

    changes = override_history({"c": 3}, [o(4, 10, "tom"), o(2, 5)])
    assert [(c.author, c.before, c.after) for c in changes] == [("tina", 3, 2), ("tom", 2, 4)]


def test_a_withdrawn_mark_cancels_only_its_reviewers_mark() -> None:
    def m(who: str, minutes: int, reviewed: bool = True) -> ReviewedMark:
        return ReviewedMark(author=who, at=T0 + timedelta(minutes=minutes), reviewed=reviewed)

    marks = [m("tina", 1), m("tom", 2), m("tina", 3, reviewed=False)]
    assert [x.author for x in marks_in_force(marks)] == ["tom"]
    review = Review(session="s", marks=tuple(marks))
    assert review.reviewed is None  # the newest mark is a withdrawal
    again = Review.model_validate_json(review.model_dump_json())
    assert again.marks == review.marks and len({x.id for x in marks}) == 3
