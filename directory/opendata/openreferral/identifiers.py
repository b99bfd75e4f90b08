"""Stable identifiers for open data: the same community, operator or term keeps its id for ever.

HSDS wants a UUID for every entity. We derive them instead of storing them, so they never
change when pages are edited, moved or re-imported:

- a service (a community) is its page's ``translation_key``, which its English and Welsh
  copies share;
- everything else is a version 5 UUID of ``OPEN_DATA_NAMESPACE`` and a name that says what
  it is, e.g. ``organization:<normalised operator name>``, ``taxonomy:<kind>``,
  ``taxonomy_term:<kind>:<slug>``. The prefix keeps an operator called "Topic" from sharing
  an id with the topic taxonomy.

docs/open-data.md lists every rule; changing one breaks every consumer that stored our ids.
"""

import uuid

# Fixed for ever: every derived id depends on it.
OPEN_DATA_NAMESPACE = uuid.UUID("0f9d62d8-d3f7-41ec-8062-f008682fdd19")


def derived_id(kind, *parts):
    """The version 5 UUID (as text) of an entity of ``kind`` named by ``parts``."""
    name = ":".join([kind, *(str(part) for part in parts)])
    return str(uuid.uuid5(OPEN_DATA_NAMESPACE, name))


def service_id(forum):
    """A community's id: its translation key, the same for its English and Welsh copies."""
    return str(forum.translation_key)


def normalise_operator_name(name):
    """The operator's name with case and runs of spaces ignored ("The  Money Forum" = "the money forum")."""
    return " ".join((name or "").split()).casefold()


def organization_id(operator_name):
    """The id of the organisation that runs a community, or None when nobody is named."""
    key = normalise_operator_name(operator_name)
    return derived_id("organization", key) if key else None


def community_organization_id(service_key):
    """The id of a community that names no operator, as its own organization (see ``serializers.Operator``)."""
    return derived_id("organization", "community", service_key)


def forum_organization_id(forum):
    """The id of the organization that runs a community: its operator's, or its own when it names none."""
    return organization_id(forum.operator_name) or community_organization_id(service_id(forum))


def taxonomy_id(kind):
    return derived_id("taxonomy", kind)


def taxonomy_term_id(kind, slug):
    return derived_id("taxonomy_term", kind, slug)


def location_id(forum):
    """The id of a community's one ``virtual`` location: its website."""
    return derived_id("location", service_id(forum))


def service_at_location_id(forum):
    return service_at_location_id_of_service(service_id(forum))


def service_at_location_id_of_service(service_key):
    """The id of the virtual location of the service whose id is ``service_key``."""
    return derived_id("service_at_location", service_key)


def attribute_id(forum, term_id):
    """The id of the link between a community and one taxonomy term."""
    return derived_id("attribute", service_id(forum), term_id)


def language_id(forum, code_or_name):
    return derived_id("language", service_id(forum), code_or_name.casefold())


def cost_option_id(forum):
    """The id of a community's one cost option (what taking part costs)."""
    return derived_id("cost_option", service_id(forum))
