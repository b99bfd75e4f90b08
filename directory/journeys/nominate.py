"""The nomination journey at /nominate/: three short steps, check your answers, thanks.

What the person types is kept in their session between steps (and shown again on every
step), so nothing is lost when they go back to change an answer; it works without JavaScript.
Nothing is stored in the database until the final "Submit" on the check-your-answers page,
and a submission refused as spam stores nothing at all. Claims of an existing entry start here
too. ``NominationPage`` routes call these functions.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _

from core.ids import parse_id
from core.protection import private_page, public_form, refuse_as_spam
from directory.forum_details import details_from_form
from directory.journeys.forms import (
    ClaimForm,
    NominationCommunityForm,
    NominationOperatorForm,
    NominationSuitabilityForm,
)
from directory.models import ForumPage
from directory.nominations import (
    DuplicateEntry,
    find_existing_entry,
    is_listed,
    submit_claim,
    submit_nomination,
    typical_review_days,
)

SESSION_KEY = "directory_nomination"
DONE_KEY = "directory_nomination_done"
NOT_STORED = ("csrfmiddlewaretoken", "nickname")


class Step:
    def __init__(self, name, form_class, route, title):
        self.name = name
        self.form_class = form_class
        self.route = route
        self.title = title


STEPS = [
    Step("community", NominationCommunityForm, "", _("About the community")),
    Step("suitability", NominationSuitabilityForm, "suitability/", _("Moderation and public servants")),
    Step("operator", NominationOperatorForm, "operator/", _("Who runs it and how we contact you")),
]
STEP_BY_NAME = {step.name: step for step in STEPS}


def localised_url(page):
    """The page's address under the active language's prefix.

    Where a language has no copy of the page yet, Wagtail serves the default one at /cy/…;
    links and redirects built from ``page.url`` would then drop the person back into English.
    """
    url = page.url
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if language == settings.LANGUAGE_CODE.split("-")[0] or url.startswith(f"/{language}/"):
        return url
    return f"/{language}{url}"


def step_url(page, step):
    return localised_url(page) + step.route


def check_url(page):
    return localised_url(page) + "check/"


def saved_steps(request):
    """The raw answers saved so far, by step name (empty without touching the session store)."""
    return request.session.get(SESSION_KEY, {}).get("steps", {})


def bound_step_form(request, step):
    """The step's form bound to what the person typed earlier, or None if they have not done it."""
    data = saved_steps(request).get(step.name)
    return step.form_class(MultiValueDict(data)) if data is not None else None


def save_step(request, step, form):
    state = request.session.get(SESSION_KEY, {"steps": {}})
    state["steps"][step.name] = {key: request.POST.getlist(key) for key in request.POST if key not in NOT_STORED}
    if form.check_fill_time:  # the timed (first) step: flag a nomination whose first step came back very fast
        state["sent_quickly"] = form.sent_quickly
    request.session[SESSION_KEY] = state


def forget_nomination(request):
    """Drop the answers from the session; an empty session leaves nothing behind."""
    request.session.pop(SESSION_KEY, None)
    if not list(request.session.keys()):
        request.session.flush()


def first_unfinished_step(request, before=None):
    """The first step (before ``before``) without valid saved answers, or None."""
    for step in STEPS:
        if step is before:
            return None
        form = bound_step_form(request, step)
        if form is None or not form.is_valid():
            return step
    return None


def render_step(request, page, step, form):
    number = STEPS.index(step) + 1
    context = {
        "page": page,
        "step": step,
        "form": form,
        "step_number": number,
        "step_count": len(STEPS),
        "back_url": step_url(page, STEPS[number - 2]) if number > 1 else localised_url(page.get_parent()),
        "changing": request.GET.get("change") == "1",
    }
    return TemplateResponse(request, "directory/nomination_page.html", context)


def render_duplicate(request, page, forum):
    """The address is already an entry's: named, with links, only if it is listed; else only said to exist."""
    listed = is_listed(forum)
    context = {
        "page": page,
        "forum": forum if listed else None,
        "claim_url": localised_url(page) + f"claim/{forum.pk}/" if listed else "",
        "nominate_url": localised_url(page),
    }
    return TemplateResponse(request, "directory/nomination_duplicate.html", context)


@private_page
@public_form("nominate-step", "PUBLIC_FORM_RATE_LIMIT")
def nomination_step(request, page, step_name):
    """One step of the nomination form: show it (with earlier answers), or save it and move on."""
    step = STEP_BY_NAME[step_name]
    unfinished = first_unfinished_step(request, before=step)
    if unfinished is not None:
        return HttpResponseRedirect(step_url(page, unfinished))
    if request.method != "POST":
        form = bound_step_form(request, step) or step.form_class()
        return render_step(request, page, step, form)
    form = step.form_class(request.POST)
    if form.is_spam():
        forget_nomination(request)
        return refuse_as_spam(request)
    if not form.is_valid():
        return render_step(request, page, step, form)
    if step.name == "community":
        existing = find_existing_entry(form.cleaned_data["website"])
        if existing is not None:
            return render_duplicate(request, page, existing)
    if not form.accept_start():  # a stale or used token: the step again, as typed, to send again
        return render_step(request, page, step, form)
    save_step(request, step, form)
    following = STEPS.index(step) + 1
    if request.GET.get("change") == "1" or following == len(STEPS):
        return HttpResponseRedirect(check_url(page))
    return HttpResponseRedirect(step_url(page, STEPS[following]))


def answers_summary(page, forms):
    """Rows for the check-your-answers list: label, value as typed, link to change it."""
    sections = []
    for step, form in zip(STEPS, forms, strict=True):
        rows = []
        for field in form:
            if field.name in ("started", "nickname"):
                continue
            rows.append({"label": field.label, "value": display_answer(form, field.name), "id": field.auto_id})
        sections.append({"title": step.title, "rows": rows, "change_url": step_url(page, step) + "?change=1"})
    return sections


def display_answer(form, name):
    value = form.cleaned_data.get(name)
    field = form.fields[name]
    if value in (None, "", [], ()):
        return ""
    if isinstance(value, bool):
        if hasattr(field, "choices"):  # a question with its own yes and no ("Are posts moderated?")
            return str(dict(field.choices)["yes" if value else "no"])
        # A tick box is a declaration in the first person ("I run or moderate this community"):
        # Welsh answers "Ydw" (I do), not "Ydyn" (they are).
        if value:
            return pgettext("answer to a statement about oneself", "Yes")
        return pgettext("answer to a statement about oneself", "No")
    if hasattr(field, "choices") and not hasattr(value, "pk") and not hasattr(value, "model"):
        labels = dict(field.choices)
        if isinstance(value, list | tuple):
            return ", ".join(str(labels.get(item, item)) for item in value)
        return str(labels.get(value, value))
    if hasattr(value, "model"):  # a queryset of vocabulary terms
        return ", ".join(item.display_name for item in value)
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if hasattr(value, "display_name"):
        return value.display_name
    return str(value)


@private_page
@public_form("nominate", "NOMINATION_RATE_LIMIT")
def check_answers(request, page):
    """Check your answers, then submit: this is the only step that stores anything."""
    unfinished = first_unfinished_step(request)
    if unfinished is not None:
        return HttpResponseRedirect(step_url(page, unfinished))
    forms = [bound_step_form(request, step) for step in STEPS]
    for form in forms:
        form.is_valid()
    errors = []
    if request.method == "POST":
        if request.POST.get("nickname"):
            forget_nomination(request)
            return refuse_as_spam(request)
        cleaned = {}
        for form in forms:
            cleaned.update(form.cleaned_data)
        contact = {name: cleaned[name] for name in ("contact_name", "contact_email", "message")}
        try:
            nomination, _token = submit_nomination(
                details_from_form(cleaned),
                contact,
                locale=page.locale,
                sent_quickly=request.session.get(SESSION_KEY, {}).get("sent_quickly", False),
                from_member=forms[-1].from_member,
            )
        except DuplicateEntry as duplicate:
            forget_nomination(request)
            return render_duplicate(request, page, duplicate.forum)
        except ValidationError as error:
            errors = error.messages
        else:
            request.session.pop(SESSION_KEY, None)
            request.session[DONE_KEY] = {
                "reference": nomination.reference,
                "kind": nomination.kind,
                "email": nomination.contact_email,
                "from_member": nomination.from_member,
            }
            return HttpResponseRedirect(localised_url(page) + "thanks/")
    context = {"page": page, "sections": answers_summary(page, forms), "errors": errors}
    return TemplateResponse(request, "directory/nomination_check.html", context)


@private_page
def nomination_thanks(request, page):
    """The confirmation page with the reference number (from the session, never from the URL)."""
    done = request.session.get(DONE_KEY, {})
    return TemplateResponse(
        request,
        "directory/nomination_thanks.html",
        {
            "page": page,
            "reference": done.get("reference"),
            "kind": done.get("kind"),
            "email": done.get("email", ""),
            "from_member": done.get("from_member", False),
            "review_days": typical_review_days(),
        },
    )


@private_page
@public_form("claim", "CLAIM_RATE_LIMIT")
def claim_entry(request, page, forum_id):
    """Someone who runs a listed community asks for its private link; an editor decides."""
    # An id beyond the database's range is no entry (SQLite cannot even compare it: a 500).
    forum = ForumPage.objects.listed().filter(pk=parse_id(forum_id), alias_of__isnull=True).first()
    if forum is None:
        raise Http404
    form = ClaimForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_spam():
            return refuse_as_spam(request)
        if form.is_valid() and form.accept_start():
            claim = submit_claim(forum, form.cleaned_data, sent_quickly=form.sent_quickly)
            request.session[DONE_KEY] = {"reference": claim.reference, "kind": claim.kind, "email": claim.contact_email}
            return HttpResponseRedirect(localised_url(page) + "thanks/")
    return TemplateResponse(request, "directory/nomination_claim.html", {"page": page, "forum": forum, "form": form})
