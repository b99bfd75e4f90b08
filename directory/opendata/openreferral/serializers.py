"""Communities, their operators and the vocabularies in the shapes of HSDS 3.0.

- a community (ForumPage) is a ``service`` with one ``virtual`` location, its website;
- its operator is an ``organization`` (one per normalised operator name); a community that
  names no operator is run by its own members and volunteers, and is its own organization
  (named as the community, with an id derived from the service's), so every service has one;
- its topics, audiences, regions, type, engagement preference and welcomed ways of taking
  part are ``attributes`` linking it to ``taxonomy_terms``;
- ``assured_date`` is the day the entry was last verified;
- "Before you join": the cost is ``fees_description`` and one ``cost_option`` (amount 0 when
  free); how to join, with the contact route where people must contact the community first, is
  ``application_process``; the minimum age is ``minimum_age`` and ``eligibility_description``.
  How active it is has no HSDS field and is left to the directory's own exports.

Only public fields are read. Empty optional fields are left out rather than sent empty.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from directory.forum_details import community_languages
from directory.models import Cost, ForumStatus, OperatorKind

from .identifiers import (
    attribute_id,
    community_organization_id,
    cost_option_id,
    forum_organization_id,
    language_id,
    location_id,
    normalise_operator_name,
    organization_id,
    service_at_location_id,
    service_id,
)
from .taxonomies import forum_terms

SERVICE_STATUS = {
    ForumStatus.ACTIVE: "active",
    ForumStatus.INACTIVE: "inactive",
    ForumStatus.CLOSED: "defunct",
}


def compact(record):
    """The record without the optional fields that have no value."""
    return {name: value for name, value in record.items() if value is not None and value != "" and value != []}


def timestamp(moment):
    """A moment as RFC 3339 UTC with milliseconds, as HSDS's examples write it."""
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def service_record(forum):
    """A community as an HSDS service with its one-to-one fields only (the /services list)."""
    status = SERVICE_STATUS.get(forum.status, "inactive")
    return compact(
        {
            "id": service_id(forum),
            "organization_id": forum_organization_id(forum),
            "name": forum.title,
            "description": "\n\n".join(text for text in (forum.summary, forum.description) if text),
            "url": forum.website,
            "status": status,
            "alert": forum.status_reason if status != "active" else "",
            "assured_date": forum.last_verified.isoformat() if forum.last_verified else None,
            "last_modified": timestamp(forum.last_published_at),
            "fees_description": forum.get_cost_display() if forum.cost else None,
            "application_process": application_process(forum),
            "eligibility_description": eligibility_description(forum),
            "minimum_age": forum.minimum_age,
        }
    )


def application_process(forum):
    """How to join, in words; with how to contact the community where people must do so first."""
    if not forum.how_to_join:
        return None
    if forum.shows_contact_route:
        return _("%(how)s: %(route)s") % {"how": forum.get_how_to_join_display(), "route": forum.contact_route.strip()}
    return str(forum.get_how_to_join_display())


def eligibility_description(forum):
    if not forum.minimum_age:
        return None
    return _("Members must be %(age)s or over.") % {"age": forum.minimum_age}


def cost_options(forum):
    """What taking part costs, as HSDS cost options: one, with an amount only when it is free."""
    if not forum.cost:
        return []
    return [
        compact(
            {
                "id": cost_option_id(forum),
                "service_id": service_id(forum),
                "option": str(forum.get_cost_display()),
                "amount": 0 if forum.cost == Cost.FREE else None,
                "currency": "GBP" if forum.cost == Cost.FREE else None,
            }
        )
    ]


def full_service_record(forum):
    """A community as a fully nested HSDS service: organization, virtual location, languages, attributes."""
    record = service_record(forum)
    operator = Operator.of_forum(forum)
    record.update(
        compact(
            {
                "organization": operator.record(),
                "service_at_locations": [service_at_location_record(forum)],
                "languages": language_records(forum),
                "attributes": [attribute_record(forum, term) for term in forum_terms(forum)],
                "cost_options": cost_options(forum),
            }
        )
    )
    return record


def service_at_location_record(forum):
    return {
        "id": service_at_location_id(forum),
        "service_id": service_id(forum),
        "location_id": location_id(forum),
        "location": compact(
            {
                "id": location_id(forum),
                "location_type": "virtual",
                "url": forum.website,
                "name": forum.title,
                "organization_id": forum_organization_id(forum),
            }
        ),
    }


def language_records(forum):
    """The languages the community uses, from its free-text "languages" field."""
    records = []
    for name, code in community_languages(forum.languages):
        if name:
            records.append(
                compact(
                    {
                        "id": language_id(forum, code or name),
                        "service_id": service_id(forum),
                        "name": name,
                        "code": code,
                    }
                )
            )
    return records


def attribute_record(forum, term):
    return {
        "id": attribute_id(forum, term.id),
        "link_id": service_id(forum),
        "link_type": term.kind,
        "link_entity": "service",
        "taxonomy_term_id": term.id,
        "taxonomy_term": taxonomy_term_record(term),
    }


def taxonomy_record(taxonomy):
    return {"id": taxonomy.id, "name": str(taxonomy.name), "description": str(taxonomy.description)}


def taxonomy_term_record(term):
    taxonomy = term.taxonomy
    return compact(
        {
            "id": term.id,
            "code": term.slug,
            "name": term.name,
            "description": term.description or term.name,
            "taxonomy": taxonomy.kind,
            "taxonomy_id": taxonomy.id,
            "taxonomy_detail": taxonomy_record(taxonomy),
        }
    )


@dataclass
class Operator:
    """The organisation or group that runs one or more communities, known only by the name given."""

    name: str
    kinds: Counter = field(default_factory=Counter)
    names: set = field(default_factory=set)  # every spelling of the name, as entered
    community_key: str = ""  # a community that names no operator: its service id

    @property
    def id(self):
        return community_organization_id(self.community_key) if self.community_key else organization_id(self.name)

    @property
    def kind(self):
        """The kind of operator most of its entries give, or ''."""
        known = [(count, kind) for kind, count in self.kinds.items() if kind]
        return max(known)[1] if known else ""

    @classmethod
    def of_forum(cls, forum):
        if not normalise_operator_name(forum.operator_name):
            return cls.community_itself(forum.title, forum.operator_kind, service_id(forum))
        return cls(name=" ".join(forum.operator_name.split()), kinds=Counter([forum.operator_kind]))

    @classmethod
    def community_itself(cls, title, kind, key):
        return cls(name=" ".join(title.split()), kinds=Counter([kind]), community_key=str(key))

    def run(self, forums):
        """``forums`` narrowed to the communities this operator runs."""
        if self.community_key:
            return forums.filter(translation_key=self.community_key)
        return forums.filter(operator_name__in=self.names)

    def record(self):
        """The operator as an HSDS organization."""
        if self.community_key:
            description = _(
                "An online community run by its own members and volunteers: the directory names no other "
                "organisation that runs it."
            )
        elif self.kind:
            description = _("%(kind)s that runs online communities listed in the Peer Support Directory.") % {
                "kind": OperatorKind(self.kind).label
            }
        else:
            description = _("Runs online communities listed in the Peer Support Directory.")
        return {"id": self.id, "name": self.name, "description": description}


def operators_of(forums):
    """The operators of ``forums`` in name order, one per normalised name, and the communities that run themselves.

    One query.
    """
    operators = {}
    rows = forums.order_by("pk").values_list("operator_name", "operator_kind", "title", "translation_key")
    for name, kind, title, translation_key in rows:
        key = normalise_operator_name(name)
        if not key:
            operators[("community", translation_key)] = Operator.community_itself(title, kind, translation_key)
            continue
        operator = operators.setdefault(key, Operator(name=" ".join(name.split())))
        operator.names.add(name)
        operator.kinds[kind] += 1
    return sorted(operators.values(), key=lambda operator: (operator.name.casefold(), operator.id))
