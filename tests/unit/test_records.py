"""Domain records behave as the frozen dataclasses they replaced: by value, immutable,
copied with changes (``interp_exec.core.domain.records``)."""

import pytest

from interp_exec.core.domain.inputs import FileUpload, InputFile


def test_records_compare_and_hash_by_value_and_print_their_fields() -> None:
    a, b = InputFile("a.txt", b"x"), InputFile("a.txt", b"x")
    assert a == b
    assert hash(a) == hash(b)
    assert a != InputFile("a.txt", b"y")
    assert repr(a) == "InputFile(content=b'x', name='a.txt')"


def test_a_record_cannot_change_and_replace_checks_the_copy() -> None:
    upload = FileUpload((".txt",), parse=len, help_text="a file")
    with pytest.raises(AttributeError, match="frozen"):
        upload.many = True
    assert upload.replace(many=True).many is True
    assert upload.many is False
    with pytest.raises(ValueError, match="lower-case"):
        upload.replace(suffixes=(".TXT",))
