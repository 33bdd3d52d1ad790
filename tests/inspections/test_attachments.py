"""Attachments of a finding's response (issue 17, item 7): JPEG, PNG and PDF only (sniffed), a size limit,
photos stored without their metadata, served only to users who may see the finding."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin
from rest_framework.test import APIClient

from inspections.models import Finding, FindingAttachment
from inspections.services import change_finding_status
from tests.conftest import make_user, token_client

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def gps_jpeg() -> bytes:
    """A 40x30 JPEG with EXIF (camera make, GPS position) and a comment."""
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Make"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (43.0, 15.0, 30.0)  # GPSLatitudeRef, GPSLatitude
    gps[3], gps[4] = "E", (76.0, 57.0, 0.0)
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, "JPEG", exif=exif.tobytes(), comment=b"cell 1-02 Almaty")
    return out.getvalue()


def text_png() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "43.25N 76.95E")
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 0, 255)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def answered(world):
    """world.a.finding resolved by the ministry with a GPS-tagged photo, a PNG and a scan."""
    finding = world.a.finding
    change_finding_status(
        user=world.users["editor_a"],
        finding=finding,
        status="resolved",
        response="beds removed, photos attached",
        attachments=[
            upload("../../etc/IMG_0001.JPG", gps_jpeg(), "image/jpeg"),
            upload("plan.png", text_png()),
            upload("order.pdf", PDF, "application/pdf"),
        ],
    )
    return finding


def test_photos_lose_their_metadata_and_pdfs_are_kept(answered):
    original = gps_jpeg()
    assert b"SpyCam Make" in original and b"cell 1-02 Almaty" in original  # what the camera wrote
    photo, plan, scan = FindingAttachment.objects.filter(finding=answered).order_by("id")
    assert (photo.name, photo.content_type, photo.size) == ("IMG_0001.JPG", "image/jpeg", len(bytes(photo.content)))
    stored = bytes(photo.content)
    assert b"SpyCam Make" not in stored and b"cell 1-02 Almaty" not in stored and b"Exif" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.format, image.size, dict(image.getexif()), image.getexif().get_ifd(0x8825)) == (
            "JPEG",
            (40, 30),
            {},
            {},
        )
    assert (plan.name, plan.content_type) == ("plan.png", "image/png")
    assert b"Location" not in bytes(plan.content)
    assert (scan.name, scan.content_type, bytes(scan.content)) == ("order.pdf", "application/pdf", PDF)
    assert {a.update.response for a in (photo, plan, scan)} == {"beds removed, photos attached"}
    assert {a.uploaded_by.username for a in (photo, plan, scan)} == {"editor_a"}


def test_other_types_and_large_files_are_refused_and_nothing_is_written(world, settings):
    settings.FINDING_ATTACHMENT_MAX_BYTES = 1024 * 1024
    api = world.clients["editor_a"]
    url = f"/api/v1/findings/{world.a.finding.pk}/status/"
    answer = api.post(
        url,
        {
            "status": "resolved",
            "response": "done",
            "attachments": [
                upload("photo.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"),  # a name is no type
                upload("scan.pdf", b"%PDF-" + b"0" * (1024 * 1024), "application/pdf"),  # 1 MB + 5 bytes
                upload("empty.png", b"", "image/png"),
                upload("broken.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "image/jpeg"),
            ],
        },
        format="multipart",
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "attachments": [
            "photo.jpg is not a JPEG, PNG or PDF file.",
            "scan.pdf is larger than 1 MB.",
            "empty.png is empty.",
            "broken.jpg is not a readable image.",
        ]
    }
    finding = Finding.objects.get(pk=world.a.finding.pk)
    assert (finding.status, finding.updates.count(), FindingAttachment.objects.count()) == ("open", 0, 0)
    too_many = api.post(
        url,
        {"status": "resolved", "response": "x", "attachments": [upload(f"{i}.pdf", PDF) for i in range(6)]},
        format="multipart",
    )
    assert too_many.status_code == 400 and list(too_many.json()) == ["attachments"]


def test_api_multipart_upload_and_download(world):
    api = world.clients["editor_a"]
    finding = world.a.finding
    answer = api.post(
        f"/api/v1/findings/{finding.pk}/status/",
        {"status": "resolved", "response": "see photo", "attachments": [upload("room.jpg", gps_jpeg())]},
        format="multipart",
    )
    assert answer.status_code == 201, answer.content
    (listed,) = answer.json()["attachments"]
    attachment = FindingAttachment.objects.get()
    assert listed == {
        "id": attachment.pk,
        "name": "room.jpg",
        "content_type": "image/jpeg",
        "size": attachment.size,
        "public": False,
        "url": f"/api/v1/findings/{finding.pk}/attachments/{attachment.pk}/",
    }
    got = api.get(listed["url"])
    assert (got.status_code, got["Content-Type"], got.content) == (200, "image/jpeg", bytes(attachment.content))
    assert got["Content-Disposition"] == 'inline; filename="room.jpg"'
    assert world.clients["prosecutor"].get(listed["url"]).status_code == 200  # national: sees the finding
    editor_b = token_client(make_user("editor_b", "Ministry editors", regions=["KZ-10"]))
    assert editor_b.get(listed["url"]).status_code == 404  # may not see the finding
    assert world.clients["nobody"].get(listed["url"]).status_code == 403  # no portal role
    assert APIClient().get(listed["url"]).status_code == 401
    other = world.b.finding
    assert api.get(f"/api/v1/findings/{other.pk}/attachments/{attachment.pk}/").status_code == 404


def test_page_upload_and_download_permissions(world, client, answered):
    photo, plan, scan = FindingAttachment.objects.filter(finding=answered).order_by("id")
    url = f"/findings/{answered.pk}/attachments/{scan.pk}/"
    client.force_login(world.users["prosecutor_a"])
    page = client.get(f"/findings/{answered.pk}/").content.decode()
    assert f'<a href="{url}">order.pdf</a>' in page and 'enctype="multipart/form-data"' in page
    got = client.get(url)
    assert (got.status_code, got["Content-Type"], got.content) == (200, "application/pdf", PDF)
    assert got["Content-Disposition"] == 'attachment; filename="order.pdf"'
    client.force_login(make_user("editor_b", "Ministry editors", regions=["KZ-10"]))
    assert client.get(url).status_code == 404
    client.force_login(world.users["nobody"])
    assert client.get(url).status_code == 403
    client.logout()
    anonymous = client.get(url)
    assert (anonymous.status_code, anonymous["Location"]) == (302, f"/login/?next={url}")

    # The page's form: the prosecutor reopens with a photo of the follow-up visit.
    client.force_login(world.users["prosecutor_a"])
    answered.refresh_from_db()
    saved = client.post(
        f"/findings/{answered.pk}/",
        {
            "status": "open",
            "response": "bunks back in room 2",
            "version": answered.version,
            "attachments": [upload("visit.png", text_png())],
        },
    )
    assert saved.status_code == 302
    newest = FindingAttachment.objects.latest("id")
    assert (newest.name, newest.content_type, newest.update.status, newest.uploaded_by.username) == (
        "visit.png",
        "image/png",
        "open",
        "pros_a",
    )
