"""What every open-data surface shares: feeds, exports, the Wagtail API and Open Referral.

Which communities are public (the same rule as the /directory/ listing), what is loaded with
them so a list never queries once per row, and the licence everything is published under.
"""

from django.utils.cache import patch_cache_control
from wagtail.models import Locale

from directory.models.public import listed_forums

LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
OPEN_DATA_MAX_AGE = 300  # seconds any cache may keep a feed, export or API answer


def with_vocabularies(forums):
    """Communities with their topics, audiences, regions and type loaded in a fixed number of queries."""
    return forums.select_related("community_type").prefetch_related("topics", "audiences", "regions")


def public_forums(locale=None):
    """Communities anyone may see, in ``locale`` (the active language when None), vocabularies loaded."""
    return with_vocabularies(listed_forums(locale=locale))


def default_locale():
    """The site's main language (English): the APIs that have no /cy/ address speak it."""
    return Locale.get_default()


def sorted_topics(forum):
    """A community's topics (taggit tags) in name order, from the prefetched list."""
    return sorted(forum.topics.all(), key=lambda tag: tag.name.casefold())


def mark_as_open_data(response):
    """Say on the response that it is open data under the Open Government Licence."""
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    return response


def mark_as_cacheable(response):
    """Let any cache keep a successful answer for ``OPEN_DATA_MAX_AGE`` (it is the same for everyone)."""
    if response.status_code == 200:
        patch_cache_control(response, public=True, max_age=OPEN_DATA_MAX_AGE)
    return response
