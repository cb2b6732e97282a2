"""Photos of customer units and key persons (CUS-2, CUS-3): uploaded through the upload checks,
read only through the access module with the read registered, never from a media address."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from guanxi.access.models import AccessLogEntry, Channel
from guanxi.customers import photos
from guanxi.customers.models import Contact, Customer

pytestmark = pytest.mark.django_db


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A real (tiny, red) PNG, so a browser draws it too."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def upload(data: bytes | None = None, name: str = "照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes() if data is None else data, "image/png")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def customer(make_customer) -> Customer:  # type: ignore[no-untyped-def]
    return make_customer("DIV1")  # type: ignore[no-any-return]


@pytest.fixture
def key_person(customer, make_key_person) -> Contact:  # type: ignore[no-untyped-def]
    return make_key_person(customer)  # type: ignore[no-any-return]


def _reads(record: Customer | Contact) -> int:
    return AccessLogEntry.objects.filter(
        record_type=record._meta.label_lower, record_id=str(record.pk)
    ).count()


# ------------------------------------------------------------------- the service


def test_a_photo_is_stored_under_our_name_and_bumps_the_version(people, customer) -> None:  # type: ignore[no-untyped-def]
    done = photos.photo_set(
        actor=people["div1.staff"], record=customer, upload=upload(name="../../x.png")
    )
    assert done.version == customer.version + 1
    assert done.photo.name.startswith("customers/photos/")
    assert ".." not in done.photo.name
    assert "x.png" not in done.photo.name
    got = photos.photo_get(
        actor=people["div1.staff"], model=Customer, pk=customer.pk, channel=Channel.PAGE
    )
    assert (got.data, got.kind) == (png_bytes(), "png")


def test_reading_a_photo_registers_a_read_of_the_record(people, customer) -> None:  # type: ignore[no-untyped-def]
    photos.photo_set(actor=people["div1.staff"], record=customer, upload=upload())
    before = _reads(customer)
    photos.photo_get(actor=people["div1.cm"], model=Customer, pk=customer.pk, channel=Channel.API)
    entry = AccessLogEntry.objects.order_by("-seq").first()
    assert _reads(customer) == before + 1
    assert entry is not None
    assert (entry.username, entry.channel) == ("div1.cm", "api")


def test_no_photo_or_another_line_is_not_found_and_registers_nothing(people, customer) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Http404):
        photos.photo_get(
            actor=people["div1.staff"], model=Customer, pk=customer.pk, channel=Channel.PAGE
        )
    photos.photo_set(actor=people["div1.staff"], record=customer, upload=upload())
    before = _reads(customer)
    with pytest.raises(Http404):
        photos.photo_get(
            actor=people["div2.staff"], model=Customer, pk=customer.pk, channel=Channel.PAGE
        )
    assert _reads(customer) == before


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "x.png"),
        (b"%PDF-1.7 a document", "x.jpg"),
        (b"", "empty.png"),
    ],
)
def test_what_is_not_a_png_or_jpeg_is_refused_whatever_its_name(  # type: ignore[no-untyped-def]
    people, customer, data: bytes, name: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        photos.photo_set(actor=people["div1.staff"], record=customer, upload=upload(data, name))
    assert "png" in str(refused.value.messages)
    customer.refresh_from_db()
    assert not customer.photo


def test_a_photo_over_the_size_limit_is_refused(people, customer, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PHOTO_MAX_BYTES = 64
    with pytest.raises(ValidationError):
        photos.photo_set(
            actor=people["div1.staff"], record=customer, upload=upload(png_bytes(40, 40))
        )
    customer.refresh_from_db()
    assert not customer.photo


def test_replacing_and_removing_drop_the_old_file_once_committed(  # type: ignore[no-untyped-def]
    people, customer, django_capture_on_commit_callbacks
) -> None:
    actor = people["div1.staff"]
    first = photos.photo_set(actor=actor, record=customer, upload=upload())
    storage, old = first.photo.storage, first.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        second = photos.photo_set(actor=actor, record=first, upload=upload(png_bytes(3, 3)))
    assert not storage.exists(old)
    assert storage.exists(second.photo.name)
    with django_capture_on_commit_callbacks(execute=True):
        removed = photos.photo_remove(actor=actor, record=second)
    assert not removed.photo
    assert not storage.exists(second.photo.name)
    with pytest.raises(ValidationError):
        photos.photo_remove(actor=actor, record=removed)


def test_a_person_of_another_line_or_a_reader_only_may_not_change_it(people, customer) -> None:  # type: ignore[no-untyped-def]
    for who in ("div2.staff", "exec"):
        with pytest.raises(PermissionDenied):
            photos.photo_set(actor=people[who], record=customer, upload=upload())
    customer.refresh_from_db()
    assert not customer.photo


def test_a_key_persons_photo_needs_the_profile_permission(people, key_person) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        photos.photo_set(actor=people["div1.staff"], record=key_person, upload=upload())
    done = photos.photo_set(actor=people["div1.manager"], record=key_person, upload=upload())
    assert done.photo.name.startswith("contacts/")
    with pytest.raises(Http404):  # the photo is part of the masked profile
        photos.photo_get(
            actor=people["div1.staff"], model=Contact, pk=key_person.pk, channel=Channel.PAGE
        )
    got = photos.photo_get(
        actor=people["div1.manager"], model=Contact, pk=key_person.pk, channel=Channel.PAGE
    )
    assert got.kind == "png"


def test_only_a_key_person_carries_a_photo(people, customer) -> None:  # type: ignore[no-untyped-def]
    from guanxi.customers import archive

    plain = archive.contact_create(actor=people["hq.manager"], customer=customer, name="李娜")
    with pytest.raises(ValidationError):
        photos.photo_set(actor=people["div1.manager"], record=plain, upload=upload())


# ------------------------------------------------------------------- the pages


def test_the_page_uploads_shows_and_removes_a_customer_photo(page_as, customer) -> None:  # type: ignore[no-untyped-def]
    client = page_as("div1.staff")
    sent = client.post(f"/customers/{customer.pk}/photo/upload/", {"photo": upload()})
    assert sent.status_code == 302
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert f'src="/customers/{customer.pk}/photo/"' in page
    assert "/media/" not in page
    image = client.get(f"/customers/{customer.pk}/photo/")
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in image["Content-Security-Policy"]
    assert client.post(f"/customers/{customer.pk}/photo/remove/").status_code == 302
    assert client.get(f"/customers/{customer.pk}/photo/").status_code == 404


def test_a_refused_page_upload_says_why_in_chinese_and_changes_nothing(page_as, customer) -> None:  # type: ignore[no-untyped-def]
    client = page_as("div1.staff")
    refused = client.post(
        f"/customers/{customer.pk}/photo/upload/", {"photo": upload(b"GIF89a...", "a.png")}
    )
    assert refused.status_code == 400
    assert "此处不接受这种文件" in refused.content.decode()
    empty = client.post(f"/customers/{customer.pk}/photo/upload/", {})
    assert empty.status_code == 400
    assert "请选择要上传的照片" in empty.content.decode()
    customer.refresh_from_db()
    assert not customer.photo


def test_the_contact_page_offers_the_photo_only_with_the_profile(page_as, key_person) -> None:  # type: ignore[no-untyped-def]
    manager = page_as("div1.manager").get(f"/contacts/{key_person.pk}/").content.decode()
    assert 'data-testid="photo-form"' in manager
    staff = page_as("div1.staff").get(f"/contacts/{key_person.pk}/").content.decode()
    assert 'data-testid="photo-form"' not in staff


# ------------------------------------------------------------------- the API


def test_the_api_uploads_reads_and_removes_a_key_persons_photo(api_as, key_person) -> None:  # type: ignore[no-untyped-def]
    api = api_as("div1.manager")
    url = f"/api/v1/contacts/{key_person.pk}/photo/"
    sent = api.post(url, {"photo": upload()}, format="multipart")
    assert sent.status_code == 200
    assert sent.json()["photo"].endswith(url)
    assert api.get(f"/api/v1/contacts/{key_person.pk}/").json()["photo"].endswith(url)
    image = api.get(url)
    assert (image.status_code, image["Content-Type"]) == (200, "image/png")
    assert image.content == png_bytes()
    masked = api_as("div1.staff").get(f"/api/v1/contacts/{key_person.pk}/").json()
    assert masked["photo"] is None
    assert api_as("div1.staff").get(url).status_code == 404
    assert api.delete(url).status_code == 204
    assert api.get(f"/api/v1/contacts/{key_person.pk}/").json()["photo"] is None


def test_the_api_refuses_a_bad_photo_with_a_message_and_keeps_the_old_one(api_as, customer) -> None:  # type: ignore[no-untyped-def]
    api = api_as("div1.staff")
    url = f"/api/v1/customers/{customer.pk}/photo/"
    assert api.get(f"/api/v1/customers/{customer.pk}/").json()["photo"] is None
    assert api.post(url, {"photo": upload()}, format="multipart").status_code == 200
    refused = api.post(url, {"photo": upload(b"not an image", "a.jpg")}, format="multipart")
    assert refused.status_code == 400
    assert refused.json()["detail"]
    assert api.post(url, {}, format="multipart").status_code == 400
    assert api.get(url).content == png_bytes()
    other_line = api_as("div2.staff").post(url, {"photo": upload()}, format="multipart")
    assert other_line.status_code == 404
    reader_only = api_as("exec").post(url, {"photo": upload()}, format="multipart")
    assert reader_only.status_code == 403
