"""Browser test: a department manager uploads a key person's photo and sees its thumbnail,
served through the registered photo view; a customer unit's photo is replaced and removed."""

from __future__ import annotations

from pathlib import Path

import pytest

from guanxi.access.models import AccessLogEntry
from guanxi.customers.models import Contact, Customer
from tests.customers.test_photos import png_bytes
from tests.e2e.test_browser import browser_page, pytestmark  # the shared fixture and marks
from tests.e2e.test_market_privacy_browser import sign_in

__all__ = ["browser_page", "pytestmark"]


@pytest.mark.django_db(transaction=True)
def test_a_manager_uploads_a_key_persons_photo_and_sees_it(  # type: ignore[no-untyped-def]
    browser_page, live_server, people, make_customer, make_key_person, settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    picture = tmp_path / "周建华.png"
    picture.write_bytes(png_bytes(40, 40))
    contact = make_key_person(make_customer("DIV1"), name="周建华")
    page = browser_page
    sign_in(page, live_server.url, "div1.manager")
    page.goto(f"{live_server.url}/contacts/{contact.pk}/")
    page.get_by_test_id("no-photo").wait_for()
    page.set_input_files("[data-testid=photo-form] input[type=file]", str(picture))
    page.click("[data-testid=photo-form] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/contacts/{contact.pk}/")
    thumbnail = page.get_by_test_id("photo-thumbnail")
    assert thumbnail.get_attribute("src") == f"/contacts/{contact.pk}/photo/"
    drawn = page.evaluate(
        "() => new Promise((done) => { const img = document.querySelector("
        "'[data-testid=photo-thumbnail]'); if (img.complete) { done(img.naturalWidth); } "
        "else { img.onload = () => done(img.naturalWidth); } })"
    )
    assert drawn == 40  # the browser decoded the image served by the registered view
    stored = Contact.objects.get(pk=contact.pk)
    assert stored.photo.read() == png_bytes(40, 40)
    assert (
        AccessLogEntry.objects.filter(
            record_type="customers.contact", record_id=str(contact.pk), username="div1.manager"
        ).count()
        >= 2
    )  # the page and the image


@pytest.mark.django_db(transaction=True)
def test_a_refused_file_says_why_and_a_customer_photo_is_replaced_and_removed(  # type: ignore[no-untyped-def]
    browser_page, live_server, people, make_customer, settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    disguised = tmp_path / "徽标.png"
    disguised.write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>")
    picture = tmp_path / "徽标2.png"
    picture.write_bytes(png_bytes(8, 8))
    customer = make_customer("DIV1")
    page = browser_page
    sign_in(page, live_server.url, "div1.staff")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.set_input_files("[data-testid=photo-form] input[type=file]", str(disguised))
    page.click("[data-testid=photo-form] button[type=submit]")
    assert "此处不接受这种文件" in page.get_by_test_id("refused").inner_text()
    assert not Customer.objects.get(pk=customer.pk).photo
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.set_input_files("[data-testid=photo-form] input[type=file]", str(picture))
    page.click("[data-testid=photo-form] button[type=submit]")
    page.get_by_test_id("photo-thumbnail").wait_for()
    page.click("[data-testid=photo-remove] button[type=submit]")
    page.get_by_test_id("no-photo").wait_for()
    assert not Customer.objects.get(pk=customer.pk).photo
