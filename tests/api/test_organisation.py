from __future__ import annotations

from guanxi.organisation.models import Unit


def test_units_are_listed_in_drf_page_format(api_as, units) -> None:  # type: ignore[no-untyped-def]
    body = api_as("div1.staff").get("/api/v1/units/", {"page_size": 5}).json()
    assert set(body) >= {"results", "next"}
    assert {"id", "parent", "kind", "code", "name"} <= set(body["results"][0])
    assert body["next"]


def test_me_lists_memberships(api_as, units) -> None:  # type: ignore[no-untyped-def]
    me = api_as("div1.manager").get("/api/v1/me/").json()
    assert me["memberships"] == [
        {"unit": units["DIV1"].pk, "unit_name": units["DIV1"].name, "role": "manager"}
    ]


def test_moving_a_unit_under_its_descendant_is_refused(api_as, units) -> None:  # type: ignore[no-untyped-def]
    answer = api_as("admin").patch(
        f"/api/v1/units/{units['DIV1'].pk}/",
        {"parent": units["BASE11"].pk, "version": 1},
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json()["parent"] == ["不能将单位移至其自身或其下级单位之下。"]
    assert Unit.objects.get(code="DIV1").parent_id == units["HQ"].pk


def test_an_admin_moves_a_base_to_another_division(api_as, units) -> None:  # type: ignore[no-untyped-def]
    answer = api_as("admin").patch(
        f"/api/v1/units/{units['BASE11'].pk}/",
        {"parent": units["DIV2"].pk, "version": 1},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert Unit.objects.get(code="BASE11").path.startswith(units["DIV2"].path)


def test_an_unknown_unit_id_is_a_clear_400(api_as, units) -> None:  # type: ignore[no-untyped-def]
    answer = api_as("admin").patch(
        f"/api/v1/units/{units['BASE11'].pk}/", {"parent": 999999, "version": 1}, format="json"
    )
    assert answer.status_code == 400
    assert "parent" in answer.json()
    assert api_as("admin").get("/api/v1/units/999999/").status_code == 404


def test_a_change_without_a_version_is_refused(api_as, units) -> None:  # type: ignore[no-untyped-def]
    answer = api_as("admin").patch(
        f"/api/v1/units/{units['BR1'].pk}/", {"name": "改名"}, format="json"
    )
    assert answer.status_code == 400
    assert "version" in answer.json()


def test_a_stale_version_is_a_409_showing_both(api_as, units) -> None:  # type: ignore[no-untyped-def]
    admin = api_as("admin")
    assert (
        admin.patch(
            f"/api/v1/units/{units['BR1'].pk}/", {"name": "甲", "version": 1}, format="json"
        ).status_code
        == 200
    )
    answer = admin.patch(
        f"/api/v1/units/{units['BR1'].pk}/", {"name": "乙", "version": 1}, format="json"
    )
    assert answer.status_code == 409
    assert (answer.json()["your_version"], answer.json()["current_version"]) == (1, 2)
    assert Unit.objects.get(code="BR1").name == "甲"


def test_only_organisation_managers_change_units(api_as, units) -> None:  # type: ignore[no-untyped-def]
    answer = api_as("hq.manager").patch(
        f"/api/v1/units/{units['BR1'].pk}/", {"name": "改名", "version": 1}, format="json"
    )
    assert answer.status_code == 403
    created = api_as("div1.staff").post(
        "/api/v1/units/",
        {"parent": units["DIV1"].pk, "kind": "base", "code": "B99", "name": "新基地"},
        format="json",
    )
    assert created.status_code == 403
    assert not Unit.objects.filter(code="B99").exists()


def test_people_are_listed_and_created_by_an_admin(api_as, people) -> None:  # type: ignore[no-untyped-def]
    listed = api_as("div1.staff").get("/api/v1/people/").json()
    assert "results" in listed
    created = api_as("admin").post(
        "/api/v1/people/",
        {"username": "new.person", "display_name": "新同事", "email": "n@example.com"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert (
        api_as("div1.staff").post("/api/v1/people/", {"username": "x"}, format="json").status_code
        == 403
    )


def test_a_username_is_checked_as_it_will_be_stored(api_as) -> None:  # type: ignore[no-untyped-def]
    """NFKC turns "¼" into "1⁄4"; the stored form must pass the username rule, so it is refused."""
    from guanxi.organisation.models import Person

    answer = api_as("admin").post(
        "/api/v1/people/", {"username": "¼zhang", "display_name": "张"}, format="json"
    )
    assert answer.status_code == 400, answer.json()
    assert "username" in answer.json()
    assert not Person.objects.filter(username__contains="zhang").exists()
    kept = api_as("admin").post(
        "/api/v1/people/", {"username": "ｚｈａｎｇ.wei", "display_name": "张伟"}, format="json"
    )
    assert kept.status_code == 201, kept.json()
    assert kept.json()["username"] == "zhang.wei"  # full width letters are stored plain
