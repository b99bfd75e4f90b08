"""The directory's template tags (directory/templatetags/directory_tags.py)."""

from directory.listing.facets import Facet, FacetOption
from directory.templatetags.directory_tags import facet_checkboxes


def test_facet_checkboxes_are_numbered_ticked_marked_and_escaped():
    """Each checkbox needs a unique id for its label, the visitor's ticks kept, an English label
    marked for a Welsh screen reader, and a name with markup shown as text, never run as a script."""
    facet = Facet("topic", "Topic", [])
    options = [
        FacetOption("money", "Money", 12, selected=True),
        FacetOption("x<y", '<script>alert("1")</script>', 2, lang="en"),
    ]
    html = facet_checkboxes(facet, options, offset=20)
    assert 'id="facet-topic-21" name="topic" type="checkbox" value="money" checked>' in html
    assert 'for="facet-topic-21">Money <span class="govuk-hint govuk-!-display-inline">(12)</span>' in html
    assert 'id="facet-topic-22" name="topic" type="checkbox" value="x&lt;y">' in html
    assert 'for="facet-topic-22" lang="en">&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt; ' in html
    assert "<script>" not in html
