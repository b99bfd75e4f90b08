"""Tests for ``directory/forum_details.py``: the languages a community's free-text field names, as shown."""

from django.utils import translation

from directory.forum_details import language_names


def test_known_languages_are_named_in_the_readers_language():
    """ "Ieithoedd: English" on the Welsh site: the languages we know must read in Welsh there, and
    one we do not know stays as the operator wrote it, marked as English for screen readers."""
    with translation.override("cy"):
        assert language_names("Welsh, English and BSL; Tamil") == [
            ("Cymraeg", ""),
            ("Saesneg", ""),
            ("Iaith Arwyddion Prydain", ""),
            ("Tamil", "en"),
        ]
    with translation.override("en"):
        assert language_names("cymraeg / english") == [("Welsh", ""), ("English", "")]
    assert language_names("") == []
