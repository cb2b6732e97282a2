from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from guanxi.organisation import services
from guanxi.organisation.models import Unit


def test_units_form_a_tree_with_materialised_paths(units: dict[str, Unit]) -> None:
    base = units["BASE11"]
    assert base.ancestor_ids() == [units["HQ"].pk, units["DIV1"].pk, base.pk]
    subtree = set(
        Unit.objects.filter(path__startswith=units["DIV1"].path).values_list("code", flat=True)
    )
    assert subtree == {"DIV1", "BASE11", "BASE12"}


def test_moving_a_unit_carries_its_whole_subtree(units: dict[str, Unit]) -> None:
    div1 = units["DIV1"]
    services.unit_update(actor=None, unit=units["BASE11"], version=1, parent=units["DIV2"])
    moved = Unit.objects.get(code="BASE11")
    assert moved.path == f"{units['DIV2'].path}{moved.pk}/"
    assert set(Unit.objects.filter(path__startswith=div1.path).values_list("code", flat=True)) == {
        "DIV1",
        "BASE12",
    }


def test_a_deeper_tree_keeps_paths_on_move(units: dict[str, Unit]) -> None:
    # Bases may not hold sub-units in cosl, so build depth through divisions under HQ.
    services.unit_update(actor=None, unit=units["DIV2"], version=1, code="DIV2X")
    div2 = Unit.objects.get(code="DIV2X")
    assert div2.version == 2
    base = Unit.objects.get(code="BASE21")
    assert base.path.startswith(div2.path)


def test_a_unit_cannot_move_under_its_own_descendant(units: dict[str, Unit]) -> None:
    before = list(Unit.objects.values_list("id", "parent_id", "path"))
    with pytest.raises(ValidationError) as caught:
        services.unit_update(actor=None, unit=units["DIV1"], version=1, parent=units["BASE11"])
    assert "cannot be moved under itself" in str(caught.value) or "不能" in str(caught.value)
    assert list(Unit.objects.values_list("id", "parent_id", "path")) == before


def test_a_unit_cannot_move_under_itself(units: dict[str, Unit]) -> None:
    with pytest.raises(ValidationError):
        services.unit_update(actor=None, unit=units["DIV1"], version=1, parent=units["DIV1"])


def test_unit_kinds_follow_the_policy(units: dict[str, Unit]) -> None:
    with pytest.raises(ValidationError):
        services.unit_create(actor=None, parent=units["HQ"], kind="base", code="X1", name="某基地")
    with pytest.raises(ValidationError):
        services.unit_create(actor=None, parent=units["HQ"], kind="galaxy", code="X2", name="某")


def test_a_stale_version_is_refused(units: dict[str, Unit]) -> None:
    services.unit_update(actor=None, unit=units["BR1"], version=1, name="天津分公司营销部")
    with pytest.raises(services.StaleVersion) as caught:
        services.unit_update(actor=None, unit=units["BR1"], version=1, name="覆盖")
    assert (caught.value.expected, caught.value.actual) == (1, 2)
    assert Unit.objects.get(code="BR1").name == "天津分公司营销部"


def test_roles_must_come_from_the_policy(people, units) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        services.membership_create(
            actor=None, person=people["div1.staff"], unit=units["DIV1"], role="emperor"
        )
