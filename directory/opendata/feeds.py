"""Atom and RSS feeds: the latest communities, communities by topic, and a department's engagements.

Each feed class builds a ``FeedChannel`` (what the feed is about, and its entries) in
``get_object`` where the request is at hand; the syndication framework only reads it back.
The feeds sit inside the language prefix, so /cy/feeds/… lists the Welsh copies; this module
is also their URLconf (``include("directory.opendata.feeds")`` at ``feeds/``).

What strict readers need (RFC 4287): the directory as the feed's author, absolute links on the
public host (``core.public_urls``), and entry ids that never change: a ``urn:uuid:`` derived
from the page (or engagement) id, so a renamed community is not a new entry. Feeds answer
conditional requests with 304 and say how long they may be cached.
"""

import datetime
import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.db.models import F
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.cache import get_conditional_response, quote_etag
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.formats import date_format
from django.utils.http import parse_http_date_safe
from django.utils.translation import gettext as _
from taggit.models import Tag

from core.public_urls import public_url
from directory.listing.results import department_engagements
from directory.models import DepartmentPage, EngagementMode, EngagementStatus, ForumIndexPage, ForumPageTag
from directory.models.public import in_language, listed_forums, public_departments
from directory.opendata.licence import LICENCE_NAME, mark_as_cacheable, mark_as_open_data, sorted_topics
from directory.opendata.openreferral.identifiers import derived_id

FEED_LENGTH = 30


@dataclass(frozen=True)
class FeedEntry:
    title: str
    link: str
    description: str
    published: datetime.datetime
    updated: datetime.datetime
    guid: str
    categories: list = field(default_factory=list)


@dataclass(frozen=True)
class FeedChannel:
    title: str
    description: str
    link: str
    feed_url: str
    entries: list


def entry_id(kind, pk):
    """An entry's permanent id: a URN derived from what it is and its database id, not its address."""
    return f"urn:uuid:{derived_id(kind, pk)}"


def first_known(*moments):
    """The first of ``moments`` that is known; Atom requires an entry's date, so now when none is."""
    return next((moment for moment in moments if moment is not None), None) or timezone.now()


def forum_entries(forums, request):
    """Feed entries for communities: name, summary, topics and publication dates."""
    return [
        FeedEntry(
            title=forum.title,
            link=public_url(forum.get_url(request), request),
            description=forum.summary,
            published=first_known(forum.first_published_at, forum.last_published_at),
            updated=first_known(forum.last_published_at, forum.first_published_at),
            guid=entry_id("feed_entry:community", forum.pk),
            categories=[topic.name for topic in sorted_topics(forum)],
        )
        for forum in forums
    ]


def latest_forums(listed=None, **filters):
    """The communities most recently added to the directory (``listed``, by default), newest first."""
    forums = (listed_forums() if listed is None else listed).filter(**filters).prefetch_related("topics")
    return forums.order_by(F("first_published_at").desc(nulls_last=True), "-pk")[:FEED_LENGTH]


def engagement_description(engagement):
    """One paragraph of plain text saying how a department takes part in a community."""
    parts = [_("Status: %(status)s.") % {"status": EngagementStatus(engagement.status).label}]
    if engagement.started:
        parts.append(_("Since %(date)s.") % {"date": date_format(engagement.started, "j F Y")})
    if engagement.team:
        parts.append(_("Team: %(team)s.") % {"team": engagement.team})
    if engagement.frequency:
        parts.append(_("How often: %(frequency)s.") % {"frequency": engagement.frequency})
    if engagement.outcome:
        parts.append(_("Outcome: %(outcome)s") % {"outcome": engagement.outcome})
    if engagement.measured_outcome:
        parts.append(_("Measured outcome: %(measured)s") % {"measured": engagement.measured_outcome})
    return " ".join(parts)


def engagement_entries(department, request):
    """Feed entries for a department's engagements with communities that are public."""
    entries = []
    for engagement in department_engagements(department):
        forum = engagement.listed_forum
        started = engagement.started
        published = first_known(
            timezone.make_aware(datetime.datetime.combine(started, datetime.time.min)) if started else None,
            department.first_published_at,
            department.last_published_at,
        )
        entries.append(
            FeedEntry(
                title=_("%(community)s: %(mode)s")
                % {"community": forum.title, "mode": EngagementMode(engagement.mode).label},
                link=public_url(forum.get_url(request), request),
                description=engagement_description(engagement),
                published=published,
                updated=first_known(department.last_published_at, published),
                categories=[EngagementMode(engagement.mode).label],
                guid=entry_id("engagement", engagement.pk),
            )
        )
    return entries


def directory_url(request, **query):
    """The /directory/ listing in the active language on the public host, optionally filtered."""
    index = in_language(ForumIndexPage.objects.live()).first()
    url = index.get_url(request) if index else "/"
    return public_url(f"{url}?{urlencode(query)}" if query else url, request)


class DirectoryAtomFeed(Feed):
    """The newest communities in the directory."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        """The feed, or 304 Not Modified when the reader's copy (ETag or date) is current."""
        response = super().__call__(request, *args, **kwargs)
        response["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest()[:40])
        mark_as_cacheable(mark_as_open_data(response))
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        return get_conditional_response(request, etag=response["ETag"], last_modified=last_modified, response=response)

    def get_object(self, request, **kwargs):
        return FeedChannel(
            title=_("Latest communities in the Peer Support Directory"),
            description=_("Online peer-support communities newly added to the directory."),
            link=directory_url(request),
            feed_url=public_url(request.path, request),
            entries=forum_entries(latest_forums(), request),
        )

    def title(self, channel):
        return channel.title

    def subtitle(self, channel):
        return channel.description

    def description(self, channel):
        return channel.description

    def link(self, channel):
        return channel.link

    def feed_url(self, channel):
        return channel.feed_url

    def author_name(self):
        return _("Peer Support Directory")

    def feed_copyright(self):
        return _("Published under the %(licence)s.") % {"licence": LICENCE_NAME}

    def items(self, channel):
        return channel.entries

    def item_title(self, entry):
        return entry.title

    def item_description(self, entry):
        return entry.description

    def item_link(self, entry):
        return entry.link

    def item_guid(self, entry):
        return entry.guid

    def item_guid_is_permalink(self, entry):
        return False

    def item_pubdate(self, entry):
        return entry.published

    def item_updateddate(self, entry):
        return entry.updated

    def item_categories(self, entry):
        return entry.categories


class DirectoryRssFeed(DirectoryAtomFeed):
    feed_type = Rss201rev2Feed


class TopicAtomFeed(DirectoryAtomFeed):
    """The newest communities about one topic."""

    def get_object(self, request, slug):
        # Only a topic of a listed community in this language has a feed: a tag made by a pending or
        # declined nomination, or used only by private or delisted entries, is not public.
        listed = listed_forums()
        in_use = ForumPageTag.objects.filter(content_object__in=listed).values("tag_id")
        topic = Tag.objects.filter(slug=slug, pk__in=in_use).first()
        if topic is None:
            raise Http404(_("There is no such topic."))
        forums = latest_forums(listed, topics__slug=topic.slug)
        return FeedChannel(
            title=_("Communities about %(topic)s") % {"topic": topic.name},
            description=_("Online peer-support communities about %(topic)s, newest first.") % {"topic": topic.name},
            link=directory_url(request, topic=topic.slug),
            feed_url=public_url(request.path, request),
            entries=forum_entries(forums, request),
        )


class TopicRssFeed(TopicAtomFeed):
    feed_type = Rss201rev2Feed


class DepartmentAtomFeed(DirectoryAtomFeed):
    """How one public body takes part in communities: its engagements."""

    def get_object(self, request, slug):
        department = public_departments().filter(slug=slug).first()
        if department is None:
            raise Http404(_("There is no such department."))
        return FeedChannel(
            title=_("%(department)s: engagement with online communities") % {"department": department.title},
            description=_("The online communities %(department)s takes part in, and how.")
            % {"department": department.title},
            link=public_url(department.get_url(request), request),
            feed_url=public_url(request.path, request),
            entries=engagement_entries(department, request),
        )


class DepartmentRssFeed(DepartmentAtomFeed):
    feed_type = Rss201rev2Feed


def feeds_for_page(page=None, listing=None):
    """The topic and department feeds a page advertises besides the latest entries.

    A department page offers its engagements feed; the directory listing filtered by topics
    offers a feed per chosen topic that listed communities have (a slug nobody uses has no feed).
    Returns ``{"topics": [{slug, name}], "department": page}``.
    """
    specific = getattr(page, "specific_deferred", page)
    department = specific if isinstance(specific, DepartmentPage) else None
    topics = []
    filters = getattr(listing, "filters", None)
    if filters is not None and filters.topic:
        names = {}
        for facet in getattr(listing, "facets", []):
            if facet.name == "topic":
                names = {option.value: option.label for option in facet.options if option.known}
        topics = [{"slug": slug, "name": names[slug]} for slug in filters.topic if slug in names]
    return {"topics": topics, "department": department}


# Slugs may be Unicode (Welsh topic names), so they are matched as any text without a slash.
app_name = "feeds"
urlpatterns = [
    path("latest.atom", DirectoryAtomFeed(), name="latest_atom"),
    path("latest.rss", DirectoryRssFeed(), name="latest_rss"),
    path("topic/<str:slug>.atom", TopicAtomFeed(), name="topic_atom"),
    path("topic/<str:slug>.rss", TopicRssFeed(), name="topic_rss"),
    path("department/<str:slug>.atom", DepartmentAtomFeed(), name="department_atom"),
    path("department/<str:slug>.rss", DepartmentRssFeed(), name="department_rss"),
]
