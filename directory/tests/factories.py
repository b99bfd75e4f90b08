"""Factories that build the directory's pages and records for tests.

Pages are built under the real site tree (``site_tree`` fixture in conftest) so their URLs,
live status and workflows behave as on the site.
"""

import factory
import wagtail_factories
from django.utils import timezone

from directory import models


class AudienceFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Audience {n}")
    slug = factory.Sequence(lambda n: f"audience-{n}")

    class Meta:
        model = models.Audience
        django_get_or_create = ("slug",)


class RegionFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")

    class Meta:
        model = models.Region
        django_get_or_create = ("slug",)


class CommunityTypeFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Type {n}")
    slug = factory.Sequence(lambda n: f"type-{n}")

    class Meta:
        model = models.CommunityType
        django_get_or_create = ("slug",)


class ForumPageFactory(wagtail_factories.PageFactory):
    """A live community. Pass ``parent=`` (the directory index) and optionally ``topics=[...]``."""

    title = factory.Sequence(lambda n: f"Community {n}")
    slug = factory.Sequence(lambda n: f"community-{n}")
    website = factory.Sequence(lambda n: f"https://community-{n}.example.org/")
    summary = factory.LazyAttribute(lambda page: f"Peer support at {page.title}.")
    description = "People help each other here."
    engagement_preference = models.EngagementPreference.WELCOMES
    last_verified = factory.LazyFunction(timezone.localdate)
    contact_name = "Private Person"
    contact_email = factory.Sequence(lambda n: f"operator-{n}@private.example")

    class Meta:
        model = models.ForumPage
        skip_postgeneration_save = True  # each hook below saves only when it changed something

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if extracted:
            self.topics.add(*extracted)
            if create:
                self.save()

    @factory.post_generation
    def audiences(self, create, extracted, **kwargs):
        if extracted:
            self.audiences.set(extracted)
            if create:
                self.save()

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if extracted:
            self.regions.set(extracted)
            if create:
                self.save()


class DepartmentPageFactory(wagtail_factories.PageFactory):
    """A live public body. Pass ``parent=`` (the departments index)."""

    title = factory.Sequence(lambda n: f"Department {n}")
    slug = factory.Sequence(lambda n: f"department-{n}")
    acronym = factory.Sequence(lambda n: f"D{n}")
    remit = "Looks after things."
    plan_status = models.PlanStatus.PUBLISHED

    class Meta:
        model = models.DepartmentPage


class EngagementFactory(factory.django.DjangoModelFactory):
    mode = models.EngagementMode.EXPERT_ANSWERS
    status = models.EngagementStatus.ACTIVE
    team = "Policy team"

    class Meta:
        model = models.Engagement


def publish_change(forum, **changes):
    """Publish a new revision of a community with ``changes``, as an editor would; the page as now live."""
    page = models.ForumPage.objects.get(pk=forum.pk)
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return page
