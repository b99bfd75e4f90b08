"""Hand-written SQL the listings need: several querysets in one round trip, and the terms of a page of communities."""

from django.db import connections
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from taggit.models import Tag

from directory.models import Audience, CommunityType, ForumPage, ForumPageTag, Region

NO_LABEL = Value("")
TOPIC_NAME_CY = Coalesce(F("tag__welsh_name__name_cy"), NO_LABEL)  # "" for a topic with no Welsh name


def union_all(named_querysets, columns, as_tuples=False):
    """Run several querysets selecting the same ``columns`` as one query; rows come back grouped by name.

    Each part is a queryset or an ``(sql, params)`` pair, and keeps its own ORDER BY and LIMIT
    inside a subquery (which a plain UNION of querysets does not allow on SQLite), so this is
    exactly the separate queries, in one round trip. Rows are dicts, or tuples with ``as_tuples``.
    """
    parts, params, database = [], [], None
    for name, queryset in named_querysets:
        if isinstance(queryset, tuple):  # already (sql, params)
            sql, inner_params = queryset
        else:
            database = queryset.db
            sql, inner_params = queryset.query.get_compiler(using=database).as_sql()
        parts.append(f"SELECT %s AS part, {', '.join(columns)} FROM ({sql}) AS part_{len(parts)}")
        params.extend((name, *inner_params))
    rows = {name: [] for name, _queryset in named_querysets}
    with connections[database or "default"].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for part, *values in cursor.fetchall():
            rows[part].append(tuple(values) if as_tuples else dict(zip(columns, values, strict=True)))
    return rows


TERM_COLUMNS = ("t_forum", "t_id", "t_name", "t_name_cy", "t_slug")
VOCABULARIES = {"audiences": Audience, "regions": Region}


def term_rows(ids, with_type=False):
    """The topics, audiences and regions (and with ``with_type`` the type) of the communities ``ids``, in one query.

    Rows (dicts of ``TERM_COLUMNS``) come back grouped by "topics", "audiences", "regions" and "type".
    Every listing and community page asks this, and building and compiling its four querysets
    takes longer than running them (docs/benchmarks.md): the compiled SQL is kept for each
    number of ids (up to ``COMPILED_TERM_SHAPES``), made with stand-in ids that are then replaced.
    """
    shape = (len(ids), with_type)
    parts = _compiled_term_parts.get(shape)
    if parts is None:
        stand_ins = [-position for position in range(1, len(ids) + 1)]  # no page id is negative
        parts = [
            (name, queryset.query.get_compiler(using=queryset.db).as_sql())
            for name, queryset in _term_querysets(stand_ins, with_type)
        ]
        if len(ids) <= COMPILED_TERM_SHAPES:
            _compiled_term_parts[shape] = parts

    def actual(value):
        return ids[-value - 1] if type(value) is int and value < 0 else value

    return union_all(
        [(name, (sql, [actual(value) for value in params])) for name, (sql, params) in parts], TERM_COLUMNS
    )


COMPILED_TERM_SHAPES = 50
_compiled_term_parts = {}


def _term_querysets(ids, with_type):
    queries = [
        (
            "topics",
            ForumPageTag.objects.filter(content_object_id__in=ids)
            .annotate(t_forum=F("content_object_id"), t_id=F("tag_id"), t_name=F("tag__name"))
            .annotate(t_name_cy=TOPIC_NAME_CY, t_slug=F("tag__slug"))
            .order_by()
            .values(*TERM_COLUMNS),
        )
    ]
    for name in VOCABULARIES:
        through = getattr(ForumPage, name).through
        term = VOCABULARIES[name]._meta.model_name
        queries.append(
            (
                name,
                through.objects.filter(forumpage_id__in=ids)
                .annotate(t_forum=F("forumpage_id"), t_id=F(f"{term}_id"), t_name=F(f"{term}__name"))
                .annotate(t_name_cy=F(f"{term}__name_cy"), t_slug=F(f"{term}__slug"))
                .order_by()
                .values(*TERM_COLUMNS),
            )
        )
    if with_type:
        types = CommunityType.objects.filter(forums__in=ids).annotate(t_forum=F("forums"), t_id=F("id"))
        types = types.annotate(t_name=F("name"), t_name_cy=F("name_cy"), t_slug=F("slug"))
        queries.append(("type", types.order_by().values(*TERM_COLUMNS)))
    return queries


def prefetch_terms(forums, with_type=False, managers=True):
    """Give each of ``forums`` its topics, audiences and regions, in one query.

    Each forum's ``terms`` is ``{"topics": [...], "audiences": [...], "regions": [...]}``, in name
    order. With ``managers``, ``forum.topics.all()`` and the others answer from them too, as after
    ``prefetch_related_objects(forums, "topics", "audiences", "regions")`` (which takes three
    queries); making those managers costs more than the query, so a listing's cards read ``terms``.
    ``with_type`` loads each forum's community type in the same query.
    """
    if not forums:
        return
    rows = term_rows([forum.pk for forum in forums], with_type)
    for row in rows.get("type", []):
        term = CommunityType(id=row["t_id"], name=row["t_name"], name_cy=row["t_name_cy"], slug=row["t_slug"])
        for forum in forums:
            if forum.pk == row["t_forum"]:
                forum.community_type = term
    models = {"topics": Tag, **VOCABULARIES}
    for forum in forums:
        forum.terms = {name: [] for name in models}
    by_id = {forum.pk: forum for forum in forums}
    for name, model in models.items():
        for row in sorted(rows[name], key=lambda row: row["t_name"]):
            term = model(id=row["t_id"], name=row["t_name"], slug=row["t_slug"])
            term.name_cy = row["t_name_cy"]  # a topic's too, though not a field of taggit's Tag
            by_id[row["t_forum"]].terms[name].append(term)
        if not managers:
            continue
        for forum in forums:
            queryset = getattr(forum, name).all()
            queryset._result_cache = forum.terms[name]
            queryset._prefetch_done = True
            forum.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset
