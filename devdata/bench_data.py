"""A large, realistic, reproducible directory for measuring speed: ``manage.py generate_bench_data``.

Pages are written in bulk (page rows with treebeard paths worked out here, then the community
rows, relations, engagements and optional nominations) because saving them one by one through
Wagtail is far too slow at benchmark sizes; the search index is built by ``devdata.bench_index``.
Names and topics come from the demo's vocabulary with a seeded generator, so the same arguments
give the same directory. The pages have no revisions, as if imported. See docs/benchmarks.md.
"""

import datetime
import hashlib
import random
import time
import uuid
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from treebeard.mp_tree import MP_Node
from wagtail.models import Page

from devdata.bench_index import build_search_index
from devdata.demo import DEPARTMENTS, FORUMS, WELSH_TOPICS, read_data
from directory.models import (
    Activity,
    Audience,
    CommunityType,
    Cost,
    DepartmentPage,
    Engagement,
    EngagementMode,
    EngagementPreference,
    EngagementStatus,
    FigureSource,
    ForumPage,
    ForumPageTag,
    ForumStatus,
    JoinMethod,
    Nomination,
    OperatorKind,
    PlanStatus,
    Region,
    Registration,
    TopicName,
)
from directory.site_tree import ensure_directory_tree
from home.site_setup import ensure_home_page

SLUG_PREFIX = "bench-"
NOMINATION_PREFIX = "BENCH-"
BATCH_SIZE = 500
BASE_DATE = datetime.datetime(2015, 1, 1, tzinfo=datetime.UTC)

_vocabulary = read_data("bench_vocabulary.json")  # words for names and summaries, beyond the demo's
PLACES = _vocabulary["places"]
KINDS = _vocabulary["kinds"]
EXTRA_TOPICS = _vocabulary["extra_topics"]
ENGAGEMENT_TEAMS = _vocabulary["engagement_teams"]


def seed_topics():
    """Topic names used in the demo plus a few more, in a fixed order."""
    names = []
    for entry in [*FORUMS, *DEPARTMENTS]:
        names.extend(name for name in entry["topics"] if name not in names)
    names.extend(name for name in EXTRA_TOPICS if name not in names)
    return names


@dataclass
class Vocabularies:
    audiences: list
    regions: list
    types: list
    tags: list  # taggit Tag objects, in seed_topics() order


def load_vocabularies():
    """The facet vocabularies (seeded by migration 0002) and a taggit Tag, with its Welsh name, for every seed topic."""
    names = seed_topics()
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=name, slug=slugify(name)) for name in names if name not in existing]
    for tag in missing:
        tag.save()
        existing[tag.name] = tag
    # Their Welsh names, before any community is made (so each is indexed with them).
    named = set(TopicName.objects.filter(tag__in=existing.values()).values_list("tag_id", flat=True))
    TopicName.objects.bulk_create(
        TopicName(tag=tag, name_cy=WELSH_TOPICS[name])
        for name, tag in existing.items()
        if tag.pk not in named and name in WELSH_TOPICS
    )
    return Vocabularies(
        audiences=list(Audience.objects.order_by("pk")),
        regions=list(Region.objects.order_by("pk")),
        types=list(CommunityType.objects.order_by("pk")),
        tags=[existing[name] for name in names],
    )


class TreeAppender:
    """Hands out treebeard paths for new children appended under one parent page."""

    def __init__(self, parent):
        self.parent = parent
        last = parent.get_last_child()
        self.next_position = 1 if last is None else MP_Node._str2int(last.path[-Page.steplen :]) + 1
        self.added = 0

    def next_path(self):
        path = self.parent.path + MP_Node._int2str(self.next_position).rjust(Page.steplen, "0")
        self.next_position += 1
        self.added += 1
        return path

    def finish(self):
        """Record the new children on the parent, as ``add_child`` would have done one by one."""
        Page.objects.filter(pk=self.parent.pk).update(numchild=F("numchild") + self.added)
        self.parent.numchild += self.added


def _page_fields():
    return [field for field in Page._meta.concrete_fields if not field.primary_key]


def bulk_insert_pages(specific_objects):
    """Insert ``specific_objects`` (unsaved instances of a Page subclass) as page rows and their own rows.

    Each object must have its tree fields (path, depth, url_path…) set. The ``wagtailcore_page``
    rows are inserted first and return their ids; the subclass's rows then reuse them.
    """
    if not specific_objects:
        return
    model = type(specific_objects[0])
    page_fields = _page_fields()
    parents = [
        Page(**{field.attname: getattr(obj, field.attname) for field in page_fields}) for obj in specific_objects
    ]
    Page.objects.bulk_create(parents)
    for obj, parent in zip(specific_objects, parents, strict=True):
        obj.id = obj.page_ptr_id = parent.id
    own_fields = list(model._meta.local_concrete_fields)
    model._base_manager._insert(specific_objects, fields=own_fields, using=model._base_manager.db)


class CommunityMaker:
    """Makes realistic, deterministic community pages from the seed vocabulary."""

    def __init__(self, rng, vocabularies, index, appender, content_type):
        self.rng = rng
        self.vocab = vocabularies
        self.index = index
        self.appender = appender
        self.content_type = content_type

    def make(self, number, *, live=True):
        rng = self.rng
        topics = rng.sample(self.vocab.tags, k=rng.choice((1, 2, 2, 3, 3, 4)))
        place = rng.choice(PLACES)
        kind = rng.choice(KINDS)
        audience = rng.choice(self.vocab.audiences)
        pattern = rng.randrange(3)
        if pattern == 0:
            title = f"{place} {topics[0].name} {kind}"
        elif pattern == 1:
            title = f"{topics[0].name.capitalize()} {kind} for {audience.name.lower()}"
        else:
            title = f"{topics[0].name.capitalize()} {kind} {place}"
        title = f"{title} {number}"
        slug = f"{SLUG_PREFIX}{slugify(title)}"[:250]
        subjects = " and ".join(topic.name for topic in topics[:2])
        summary = f"{audience.name} in {place} help each other with {subjects}."
        description = (
            f"A {kind} where {audience.name.lower()} share experience of {subjects}. "
            f"Members ask each other first and the moderators point them to official advice where it helps."
        )
        published = BASE_DATE + datetime.timedelta(minutes=rng.randrange(10 * 365 * 24 * 60))
        status = rng.choices(
            [ForumStatus.ACTIVE, ForumStatus.INACTIVE, ForumStatus.CLOSED, ForumStatus.DELISTED], [95, 3, 1, 1]
        )[0]
        preference = rng.choice(EngagementPreference.values)
        path = self.appender.next_path()
        has_figures = rng.random() < 0.6
        forum = ForumPage(
            title=title,
            draft_title=title,
            slug=slug,
            content_type=self.content_type,
            path=path,
            depth=self.index.depth + 1,
            numchild=0,
            url_path=f"{self.index.url_path}{slug}/",
            locale_id=self.index.locale_id,
            translation_key=uuid.UUID(int=rng.getrandbits(128), version=4),
            live=live,
            has_unpublished_changes=not live,
            first_published_at=published if live else None,
            last_published_at=published if live else None,
            website=f"https://{slug[len(SLUG_PREFIX) :]}.example.org/",
            summary=summary[:300],
            description=description,
            community_type=rng.choice(self.vocab.types),
            languages=rng.choices(["English", "English, Welsh", "Welsh"], [85, 10, 5])[0],
            operator_name=f"{place} {kind} volunteers" if rng.random() < 0.5 else "",
            operator_kind=rng.choice(OperatorKind.values),
            members=rng.randrange(50, 500_000) if has_figures else None,
            monthly_visitors=rng.randrange(100, 2_000_000) if has_figures else None,
            posts=rng.randrange(100, 5_000_000) if has_figures else None,
            figures_as_of=published.date() if has_figures else None,
            figures_source=FigureSource.PUBLISHED if has_figures else "",
            is_moderated=rng.random() < 0.8,
            engagement_preference=preference,
            welcomes_expert_answers=rng.random() < 0.4,
            welcomes_hosted_qa=rng.random() < 0.2,
            welcomes_moderator_referral=rng.random() < 0.3,
            welcomes_official_posts=rng.random() < 0.4,
            status=status,
            status_reason="Removed at the operator's request." if status == ForumStatus.DELISTED else "",
            last_verified=published.date(),
            contact_name="Community team",
            contact_email=f"operator@{slug[len(SLUG_PREFIX) :]}.example",
            **joining_facts(random.Random(f"joining-{slug}"), published.date()),
        )
        forum.website_key = forum.website.split("://", 1)[1].rstrip("/")
        relations = {
            "tags": topics,
            "audiences": [audience, *rng.sample(self.vocab.audiences, k=rng.randrange(2))],
            "regions": rng.sample(self.vocab.regions, k=rng.choice((1, 1, 2))),
        }
        return forum, relations


def joining_facts(rng, checked):
    """Plausible "Before you join" answers, most of them known, as the demo's. From a generator of
    their own (seeded by the slug), so the other fields stay as the same arguments always gave them."""
    if rng.random() < 0.25:  # an entry from before the questions were asked
        return {}
    how = rng.choices(JoinMethod.values, [80, 15, 5])[0]
    activity = rng.choice(Activity.values)
    return {
        "cost": rng.choices(Cost.values, [85, 10, 5])[0],
        "registration": rng.choices(Registration.values, [5, 85, 10])[0],
        "how_to_join": how,
        "contact_route": "Use the contact form on the home page." if how == JoinMethod.CONTACT_FIRST else "",
        "minimum_age": rng.choice((None, 13, 16, 16, 18, 18)),
        "activity": activity,
        "activity_checked": checked,
    }


def _insert_relations(forums_with_relations):
    tagged, audiences, regions = [], [], []
    audience_through, region_through = ForumPage.audiences.through, ForumPage.regions.through
    for forum, relations in forums_with_relations:
        tagged.extend(ForumPageTag(content_object_id=forum.pk, tag_id=tag.pk) for tag in relations["tags"])
        audiences.extend(
            audience_through(forumpage_id=forum.pk, audience_id=pk) for pk in {a.pk for a in relations["audiences"]}
        )
        regions.extend(region_through(forumpage_id=forum.pk, region_id=r.pk) for r in relations["regions"])
    ForumPageTag.objects.bulk_create(tagged, batch_size=BATCH_SIZE)
    audience_through.objects.bulk_create(audiences, batch_size=BATCH_SIZE)
    region_through.objects.bulk_create(regions, batch_size=BATCH_SIZE)


def ensure_departments(index, rng, count):
    """At least ``count`` bench public bodies under the departments index (saved the ordinary way: few)."""
    existing = list(DepartmentPage.objects.child_of(index).filter(slug__startswith=SLUG_PREFIX).order_by("path"))
    names = [entry["title"] for entry in DEPARTMENTS] + [f"{place} Council" for place in PLACES]
    for number in range(len(existing), count):
        title = f"{names[number % len(names)]} {number + 1}"
        page = DepartmentPage(
            title=title,
            slug=f"{SLUG_PREFIX}{slugify(title)}",
            acronym=f"B{number + 1}",
            remit=f"Public services about {', '.join(rng.sample(seed_topics(), k=3))}.",
            plan_status=rng.choice(PlanStatus.values),
            locale_id=index.locale_id,
            first_published_at=BASE_DATE,
            last_published_at=BASE_DATE,
        )
        index.add_child(instance=page)
        existing.append(page)
    return existing[:count]


@dataclass
class GenerationResult:
    forums: int
    departments: int
    engagements: int
    nominations: int
    seconds: float
    index_seconds: float


def generate(forums, *, nominations=0, seed=2009, departments=None, log=print):
    """Add ``forums`` listed-ish communities (and ``nominations`` pending nominations) to the directory.

    Returns a ``GenerationResult``. Run it on an empty directory for comparable figures; running
    it again appends more communities with new numbers.
    """
    started = time.perf_counter()
    rng = random.Random(seed)
    home = ensure_home_page()
    sections = ensure_directory_tree(home)
    index = Page.objects.get(pk=sections["directory"].pk)
    vocabularies = load_vocabularies()
    department_pages = ensure_departments(
        sections["departments"],
        random.Random(seed + 1),
        departments if departments is not None else min(50, max(5, forums // 2000)),
    )
    content_type = ContentType.objects.get_for_model(ForumPage)
    appender = TreeAppender(index)
    maker = CommunityMaker(rng, vocabularies, index, appender, content_type)
    first_number = ForumPage.objects.child_of(index).filter(slug__startswith=SLUG_PREFIX).count() + 1
    new_ids = []
    engagement_count = 0
    with transaction.atomic():
        for start in range(0, forums, BATCH_SIZE):
            batch = [maker.make(first_number + number) for number in range(start, min(forums, start + BATCH_SIZE))]
            bulk_insert_pages([forum for forum, _relations in batch])
            _insert_relations(batch)
            engagements = []
            for forum, _relations in batch:
                if rng.random() < 0.04:
                    engagements.append(
                        Engagement(
                            department=rng.choice(department_pages),
                            forum_id=forum.pk,
                            mode=rng.choice(EngagementMode.values),
                            status=rng.choice(EngagementStatus.values),
                            started=forum.first_published_at.date(),
                            team=rng.choice(ENGAGEMENT_TEAMS),
                            sort_order=0,
                        )
                    )
            Engagement.objects.bulk_create(engagements)
            engagement_count += len(engagements)
            new_ids.extend(forum.pk for forum, _relations in batch)
            if (start // BATCH_SIZE) % 20 == 19:
                log(f"  {start + len(batch)} communities written ({time.perf_counter() - started:.0f} s)")
        drafts = [maker.make(first_number + forums + number, live=False) for number in range(nominations)]
        for start in range(0, len(drafts), BATCH_SIZE):
            bulk_insert_pages([forum for forum, _relations in drafts[start : start + BATCH_SIZE]])
        _insert_relations(drafts)
        new_ids.extend(forum.pk for forum, _relations in drafts)  # the site indexes drafts too, when saved
        appender.finish()
        _insert_nominations(drafts, seed)
    from directory.caching import public_content_changed

    public_content_changed()  # bulk writes send no signals: tell the page cache and the facet indexes
    index_started = time.perf_counter()
    build_search_index(ForumPage, new_ids)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            # What autovacuum would do after a bulk load, now: drop the dead row versions the title
            # norms' update left (until then every full-text match also visits them: 3 times slower)
            # and gather fresh planner statistics.
            cursor.execute("VACUUM ANALYZE")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # SQLite's planner has no statistics until ANALYZE: without them it walked the whole
            # page table for a community page's query that needs two rows (docs/benchmarks.md).
            cursor.execute("ANALYZE")
    finished = time.perf_counter()
    return GenerationResult(
        forums=forums,
        departments=len(department_pages),
        engagements=engagement_count,
        nominations=nominations,
        seconds=finished - started,
        index_seconds=finished - index_started,
    )


def _insert_nominations(drafts, seed):
    """A pending nomination for each unpublished draft entry, as the public form leaves them."""
    existing = Nomination.objects.filter(reference__startswith=NOMINATION_PREFIX).count()
    now = timezone.now()
    rows = []
    for offset, (forum, _relations) in enumerate(drafts):
        number = existing + offset + 1
        rows.append(
            Nomination(
                reference=f"{NOMINATION_PREFIX}{number:07d}",
                kind=Nomination.Kind.NEW,
                forum_id=forum.pk,
                contact_name="Community team",
                contact_email=forum.contact_email,
                message="Please list our community.",
                token_hash=hashlib.sha256(f"{seed}-{number}".encode()).hexdigest(),
            )
        )
    Nomination.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    if rows:
        # Spread the submission times so the queue's order is meaningful.
        for offset, row in enumerate(rows):
            Nomination.objects.filter(pk=row.pk).update(submitted_at=now - datetime.timedelta(minutes=offset))
