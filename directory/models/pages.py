"""Pages that frame the directory: the nomination form and the cross-government progress page."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField
from wagtail.models import Page

from core.privacy import TranslatedPrivacy


class NominationPage(TranslatedPrivacy, RoutablePageMixin, Page):
    """The public form where an operator puts their community forward (no account needed)."""

    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=["bold", "italic", "link", "ol", "ul"],
        help_text=_("What happens to a nomination and what the criteria are."),
    )
    thanks = RichTextField(
        _("thank-you text"),
        blank=True,
        features=["bold", "italic", "link", "ol", "ul"],
        help_text=_("Shown after a nomination is received."),
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("thanks")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count_per_parent = 1
    template = "directory/nomination_page.html"

    class Meta:
        verbose_name = _("nomination form")

    # The journey lives in directory.journeys.nominate (imported there: the views read these models).
    @path("", name="community")
    def community_step(self, request):
        from directory.journeys.nominate import nomination_step

        return nomination_step(request, self, "community")

    @re_path(r"^(?P<step_name>suitability|operator)/$", name="step")
    def later_step(self, request, step_name):
        from directory.journeys.nominate import nomination_step

        return nomination_step(request, self, step_name)

    @path("check/", name="check")
    def check_answers(self, request):
        from directory.journeys.nominate import check_answers

        return check_answers(request, self)

    @path("thanks/", name="thanks")
    def thanks_page(self, request):
        from directory.journeys.nominate import nomination_thanks

        return nomination_thanks(request, self)

    @path("claim/<int:forum_id>/", name="claim")
    def claim(self, request, forum_id):
        from directory.journeys.nominate import claim_entry

        return claim_entry(request, self, forum_id)


class ProgressPage(TranslatedPrivacy, RoutablePageMixin, Page):
    """The cross-government list: each department's plan and engagements, and coverage gaps."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count_per_parent = 1
    template = "directory/progress_page.html"

    class Meta:
        verbose_name = _("progress page")

    def get_context(self, request, *args, **kwargs):
        # Imported here: directory.progress reads the models this module belongs to.
        from directory.listing import breadcrumbs_for
        from directory.progress import progress_figures

        context = super().get_context(request, *args, **kwargs)
        context["progress"] = progress_figures()
        context["breadcrumbs"] = breadcrumbs_for(self, request)
        context["csv_url"] = self.get_url(request) + self.reverse_subpage("csv")
        return context

    # Wagtail serves only paths of words and slashes, so the file is at /progress/csv/ (named progress.csv).
    @path("csv/", name="csv")
    def progress_csv(self, request):
        """The per-body table of /progress/ as a CSV download."""
        from directory.opendata.exports import export_response
        from directory.progress import progress_csv_lines, progress_figures

        lines = list(progress_csv_lines(progress_figures()))  # in the request's language, before streaming
        return export_response(lines, "text/csv; charset=utf-8", "progress.csv")
