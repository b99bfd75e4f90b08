"""The directory's vocabularies as HSDS taxonomies and taxonomy terms.

Seven taxonomies: topics (taggit tags), audiences, regions, community types (editable
snippets), the fixed choices of engagement preference and welcomed ways of taking part, and
whether the operator is verified.
A term's id is derived from its taxonomy and slug (see ``identifiers``), so it survives edits
of its name and a rebuilt database.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from directory.models import (
    Audience,
    CommunityType,
    EngagementMode,
    EngagementPreference,
    ForumPage,
    ForumPageTag,
    Region,
)
from directory.opendata.licence import sorted_topics

from .identifiers import taxonomy_id, taxonomy_term_id


@dataclass(frozen=True)
class Taxonomy:
    kind: str
    name: str
    description: str

    @property
    def id(self):
        return taxonomy_id(self.kind)


TAXONOMIES = (
    Taxonomy("topic", _("Topics"), _("Subjects people discuss in the community.")),
    Taxonomy("audience", _("Audiences"), _("Who the community serves.")),
    Taxonomy("region", _("Regions"), _("Where the community's members are.")),
    Taxonomy(
        "community_type",
        _("Community types"),
        _("What kind of place it is: discussion forum, blog, webchat, community of practice…"),
    ),
    Taxonomy(
        "engagement_preference",
        _("Engagement preference"),
        _("Whether the community welcomes public servants taking part in it."),
    ),
    Taxonomy(
        "engagement_mode",
        _("Ways of taking part welcomed"),
        _("How the community welcomes public servants taking part: answers, hosted Q&A, referrals, posts."),
    ),
    Taxonomy(
        "verification",
        _("Verification"),
        _("Whether the community's operator has proved they run its website."),
    ),
)
TAXONOMIES_BY_KIND = {taxonomy.kind: taxonomy for taxonomy in TAXONOMIES}
TAXONOMIES_BY_ID = {taxonomy.id: taxonomy for taxonomy in TAXONOMIES}
VOCABULARY_MODELS = {"audience": Audience, "region": Region, "community_type": CommunityType}


@dataclass(frozen=True)
class Term:
    kind: str
    slug: str
    name: str
    description: str = ""

    @property
    def id(self):
        return taxonomy_term_id(self.kind, self.slug)

    @property
    def taxonomy(self):
        return TAXONOMIES_BY_KIND[self.kind]


def vocabulary_term(kind, term):
    return Term(kind, term.slug, term.display_name, term.description)


OPERATOR_VERIFIED = Term("verification", "operator-verified", _("Verified by the community's operator"))


def choice_terms(kind, choices, selected=None):
    return [Term(kind, value, str(label)) for value, label in choices.choices if selected is None or value in selected]


def forum_terms(forum):
    """Every term that describes a community, in taxonomy order, from its prefetched relations."""
    terms = [Term("topic", tag.slug, tag.name) for tag in sorted_topics(forum)]
    terms += [vocabulary_term("audience", audience) for audience in forum.audiences.all()]
    terms += [vocabulary_term("region", region) for region in forum.regions.all()]
    if forum.community_type is not None:
        terms.append(vocabulary_term("community_type", forum.community_type))
    terms += choice_terms("engagement_preference", EngagementPreference, {forum.engagement_preference})
    terms += choice_terms("engagement_mode", EngagementMode, set(forum.welcomed_modes))
    if forum.operator_verified_at is not None:
        terms.append(OPERATOR_VERIFIED)
    return terms


def all_terms(forums):
    """Every term: topics used by ``forums``, all audiences, regions and community types, the fixed choices.

    Four queries, however many terms.
    """
    used_topics = ForumPageTag.objects.filter(content_object__in=forums).values("tag_id")
    topics = Tag.objects.filter(pk__in=used_topics).order_by("name")
    terms = [Term("topic", tag.slug, tag.name) for tag in topics]
    for kind, model in VOCABULARY_MODELS.items():
        terms += [vocabulary_term(kind, term) for term in model.objects.order_by("name")]
    terms += choice_terms("engagement_preference", EngagementPreference)
    terms += choice_terms("engagement_mode", EngagementMode)
    terms.append(OPERATOR_VERIFIED)
    return terms


def forums_with_term(forums, term):
    """``forums`` narrowed to those the term describes."""
    if term.kind == "topic":
        return forums.filter(pk__in=ForumPageTag.objects.filter(tag__slug=term.slug).values("content_object_id"))
    if term.kind == "audience":
        return forums.filter(audiences__slug=term.slug)
    if term.kind == "region":
        return forums.filter(regions__slug=term.slug)
    if term.kind == "community_type":
        return forums.filter(community_type__slug=term.slug)
    if term.kind == "engagement_preference":
        return forums.filter(engagement_preference=term.slug)
    return forums.filter(**{ForumPage.WELCOMED_MODE_FIELDS[EngagementMode(term.slug)]: True})


def find_term(forums, term_id):
    """The term with this id, or None."""
    return next((term for term in all_terms(forums) if term.id == term_id), None)


def forums_in_taxonomy(forums, taxonomy):
    """``forums`` narrowed to those described by any term of ``taxonomy``."""
    if taxonomy.kind == "topic":
        return forums.filter(pk__in=ForumPageTag.objects.values("content_object_id"))
    if taxonomy.kind in ("audience", "region"):
        return forums.filter(**{f"{taxonomy.kind}s__isnull": False}).distinct()
    if taxonomy.kind == "community_type":
        return forums.filter(community_type__isnull=False)
    if taxonomy.kind == "engagement_preference":
        return forums.exclude(engagement_preference="")
    if taxonomy.kind == "engagement_mode":
        welcomed = Q()
        for field_name in ForumPage.WELCOMED_MODE_FIELDS.values():
            welcomed |= Q(**{field_name: True})
        return forums.filter(welcomed)
    if taxonomy.kind == "verification":
        return forums.filter(operator_verified_at__isnull=False)
    raise ValueError(f"No rule for the services of the {taxonomy.kind} taxonomy")  # a new taxonomy needs one
