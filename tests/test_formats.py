"""File kinds are recognised from their bytes, never from their names."""

import pytest

from pipeline.archive import formats
from pipeline.errors import EmptyFile, UnsupportedFile


@pytest.mark.parametrize("head, expected", [
    (b"%PDF-1.7\n", formats.PDF),
    (b"\xef\xbb\xbf%PDF-1.4\n", formats.PDF),  # UTF-8 BOM before the header
    (b"\x00\x01\x02\x03%PDF-1.4\n", formats.PDF),  # junk before the header
    (b"II*\x00\x08\x00", formats.TIFF),
    (b"MM\x00*\x00\x08", formats.TIFF),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", formats.JPEG),
    (b"\x89PNG\r\n\x1a\n\x00", formats.PNG),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", formats.WEBP),
    (b"\x00\x00\x00\x18ftypheic\x00", formats.HEIC),
    (b"PK\x03\x04", None),
    (b"hello", None),
])
def test_sniff(head, expected):
    assert formats.sniff(head) == expected


def test_empty_file_is_named_in_the_reason(tmp_path):
    empty = tmp_path / "scan.pdf"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFile) as caught:
        formats.media_type_of(empty)
    assert str(empty) in caught.value.one_line() and "empty" in caught.value.one_line()


def test_wrong_extension_is_judged_by_content(tmp_path):
    fake = tmp_path / "scan.pdf"
    fake.write_text("<html><body>404</body></html>")
    with pytest.raises(UnsupportedFile) as caught:
        formats.media_type_of(fake)
    assert "HTML page" in caught.value.one_line()
