"""Demo content: the communities and public bodies named in the seed report, and a few more.

The seed is the Power of Information Taskforce's 2009 draft report on public servants taking part
in online peer-support forums, with its readers' comments. Its figures are loaded as "published"
figures dated to when the report gave them. Entries marked illustrative are invented to show a
feature (a community that does not welcome officials, a Welsh-language forum); their addresses
use the reserved ``.example`` domain. Nothing here is fetched from the web.

``load_demo_content(sections)`` creates or updates each page by slug and publishes it through
Wagtail's revision path, so every page has a history. It saves a revision only when a value
differs, so running it again adds no pages and no revisions.

The content lives in plain data (``FORUMS``, ``DEPARTMENTS``) so a Welsh version can be loaded
from the same facts: the fields a translator changes are listed in ``FORUM_TEXT_FIELDS`` and
``DEPARTMENT_TEXT_FIELDS``.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from directory.models import (
    Audience,
    CommunityType,
    DepartmentKind,
    DepartmentPage,
    Engagement,
    EngagementMode,
    EngagementPreference,
    EngagementStatus,
    FigureSource,
    ForumPage,
    OperatorKind,
    PlanStatus,
    Region,
)

REPORT_DATE = datetime.date(2009, 1, 1)  # when the report's figures were given
REPORT_VERIFIED = datetime.date(2009, 2, 1)  # when the Taskforce compiled its list
ILLUSTRATIVE = "An illustrative entry for the demo; not a real community."

FORUM_TEXT_FIELDS = ("title", "summary", "description", "status_reason")
DEPARTMENT_TEXT_FIELDS = ("title", "remit", "team_contact")

# Each forum: page fields, plus "community_type" (slug), "audiences" and "regions" (slugs) and
# "topics" (tag names). Figures only where the seed gives them.
FORUMS = [
    {
        "slug": "the-student-room",
        "title": "The Student Room",
        "website": "https://www.thestudentroom.co.uk/",
        "summary": "A major UK student community: students help each other with school, "
        "university applications, student finance and student life.",
        "description": "Run by a small business and its own user community, with 60 volunteer moderators. "
        "People come to ask their peers first; moderators can point them to official advice.",
        "community_type": "forum",
        "topics": ["education", "university applications", "student finance", "health"],
        "audiences": ["students", "young-people"],
        "regions": ["uk"],
        "operator_name": "The Student Room Group",
        "operator_kind": OperatorKind.COMPANY,
        "monthly_visitors": 1_400_000,
        "volunteer_moderators": 60,
        "figures_as_of": REPORT_DATE,
        "figures_source": FigureSource.PUBLISHED,
        "is_moderated": True,
        "engagement_preference": EngagementPreference.BY_ARRANGEMENT,
        "welcomes_moderator_referral": True,
        "welcomes_official_posts": True,
    },
    {
        "slug": "netmums",
        "title": "Netmums",
        "website": "https://www.netmums.com/",
        "summary": "Parents share information and tips about pregnancy, babies, children and family life.",
        "description": "Represented on the Power of Information Taskforce. In 2009 it was growing by up to "
        "20,000 new members a month, faster than any offline UK membership organisation.",
        "community_type": "forum",
        "topics": ["parenting", "pregnancy", "health", "childcare"],
        "audiences": ["parents"],
        "regions": ["uk"],
        "operator_name": "Netmums",
        "operator_kind": OperatorKind.COMPANY,
        "is_moderated": True,
        "engagement_preference": EngagementPreference.WELCOMES,
        "welcomes_expert_answers": True,
        "welcomes_official_posts": True,
    },
    {
        "slug": "moneysavingexpert-forums",
        "title": "MoneySavingExpert forums",
        "website": "https://forums.moneysavingexpert.com/",
        "summary": "People help each other save money and sort out bills, debts, benefits and consumer problems.",
        "description": "Reported 6.4 million visitors in December 2008 alone, with 3 million people receiving "
        "its weekly email. Members ask detailed questions about benefits and tax credits.",
        "community_type": "forum",
        "topics": ["money", "benefits", "consumer rights", "debt"],
        "audiences": ["consumers"],
        "regions": ["uk"],
        "operator_name": "MoneySavingExpert.com",
        "operator_kind": OperatorKind.COMPANY,
        "monthly_visitors": 6_400_000,
        "figures_as_of": datetime.date(2008, 12, 31),
        "figures_source": FigureSource.PUBLISHED,
        "is_moderated": True,
        "engagement_preference": EngagementPreference.WELCOMES,
        "welcomes_expert_answers": True,
    },
    {
        "slug": "army-rumour-service",
        "title": "Army Rumour Service",
        "website": "https://www.arrse.co.uk/",
        "summary": "Serving soldiers, veterans and their families discuss army life, careers and welfare.",
        "description": "Reported over 340 million page views since 2004 and over 42,000 registered users.",
        "community_type": "forum",
        "topics": ["armed forces", "veterans", "careers"],
        "audiences": ["veterans"],
        "regions": ["uk"],
        "members": 42_000,
        "figures_as_of": REPORT_DATE,
        "figures_source": FigureSource.PUBLISHED,
        "is_moderated": True,
        "engagement_preference": EngagementPreference.BY_ARRANGEMENT,
        "welcomes_official_posts": True,
    },
    {
        "slug": "the-poultry-keeper",
        "title": "The Poultry Keeper",
        "website": "https://www.poultrykeeper.com/",
        "summary": "Keepers of chickens, ducks and geese help each other with housing, feeding and poultry health.",
        "description": "A targeted community with over 70,000 posts.",
        "community_type": "forum",
        "topics": ["poultry", "animal health", "smallholding"],
        "audiences": ["smallholders"],
        "regions": ["uk"],
        "posts": 70_000,
        "figures_as_of": REPORT_DATE,
        "figures_source": FigureSource.PUBLISHED,
        "is_moderated": True,
        "engagement_preference": EngagementPreference.WELCOMES,
        "welcomes_expert_answers": True,
    },
    {
        "slug": "noise-abatement-society-forum",
        "title": "Noise Abatement Society forum",
        "website": "https://noiseabatementsociety.com/",
        "summary": "A specialist forum helping people with noise problems from neighbours, traffic and industry.",
        "description": "Over 3,000 posts from people looking for ways to resolve noise problems.",
        "community_type": "forum",
        "topics": ["noise", "neighbours", "environmental health"],
        "audiences": ["residents"],
        "regions": ["uk"],
        "operator_name": "Noise Abatement Society",
        "operator_kind": OperatorKind.CHARITY,
        "posts": 3_000,
        "figures_as_of": REPORT_DATE,
        "figures_source": FigureSource.PUBLISHED,
        "is_moderated": True,
        "engagement_preference": EngagementPreference.WELCOMES,
        "welcomes_expert_answers": True,
    },
    {
        "slug": "sheffield-forum",
        "title": "Sheffield Forum",
        "website": "https://www.sheffieldforum.co.uk/",
        "summary": "People in Sheffield discuss local news, services, transport and everyday life in the city.",
        "description": "Over 2 million posts about a city with a population of half a million.",
        "community_type": "forum",
        "topics": ["local news", "local services", "transport"],
        "audiences": ["residents"],
        "regions": ["sheffield", "yorkshire"],
        "posts": 2_000_000,
        "figures_as_of": REPORT_DATE,
        "figures_source": FigureSource.PUBLISHED,
        "is_moderated": True,
        "engagement_preference": EngagementPreference.BY_ARRANGEMENT,
        "welcomes_official_posts": True,
    },
    {
        "slug": "idea-communities-of-practice",
        "title": "IDeA Communities of Practice",
        "website": "http://www.communities.idea.gov.uk/",
        "summary": "Local government professionals share practice across similar roles in different councils.",
        "description": "Communities of practice for people delivering local services, who are often implementing "
        "national policy and are closer to the ground.",
        "community_type": "community-of-practice",
        "topics": ["local government", "public services"],
        "audiences": ["professionals"],
        "regions": ["england", "wales"],
        "operator_name": "Improvement and Development Agency for local government (IDeA)",
        "operator_kind": OperatorKind.PUBLIC_BODY,
        "is_moderated": True,
        "engagement_preference": EngagementPreference.WELCOMES,
        "welcomes_expert_answers": True,
        "welcomes_hosted_qa": True,
    },
    {
        "slug": "mumsnet",
        "title": "Mumsnet",
        "website": "https://www.mumsnet.com/",
        "summary": "Parents swap advice about pregnancy, children, education, work and family life.",
        "description": "Known for webchats in which guests answer members' questions.",
        "community_type": "forum",
        "topics": ["parenting", "pregnancy", "education", "work"],
        "audiences": ["parents"],
        "regions": ["uk"],
        "operator_name": "Mumsnet",
        "operator_kind": OperatorKind.COMPANY,
        "is_moderated": True,
        "engagement_preference": EngagementPreference.BY_ARRANGEMENT,
        "welcomes_hosted_qa": True,
    },
    {
        "slug": "gransnet",
        "title": "Gransnet",
        "website": "https://www.gransnet.com/",
        "summary": "Grandparents and older people talk about family, health, money and retirement.",
        "community_type": "forum",
        "topics": ["grandparenting", "pensions", "health"],
        "audiences": ["older-people"],
        "regions": ["uk"],
        "operator_name": "Mumsnet",
        "operator_kind": OperatorKind.COMPANY,
        "is_moderated": True,
        "engagement_preference": EngagementPreference.BY_ARRANGEMENT,
        "welcomes_hosted_qa": True,
    },
    {
        "slug": "carers-uk-forum",
        "title": "Carers UK forum",
        "website": "https://www.carersuk.org/forum/",
        "summary": "People caring for family or friends support each other with practical and emotional help.",
        "community_type": "forum",
        "topics": ["caring", "benefits", "health"],
        "audiences": ["carers"],
        "regions": ["uk"],
        "operator_name": "Carers UK",
        "operator_kind": OperatorKind.CHARITY,
        "is_moderated": True,
        "engagement_preference": EngagementPreference.BY_ARRANGEMENT,
        "welcomes_moderator_referral": True,
        "welcomes_official_posts": True,
    },
    {
        "slug": "rum-ration",
        "title": "Rum Ration",
        "website": "https://www.rumration.com/",
        "summary": "Serving and former members of the Royal Navy and Royal Marines, and their families, talk shop.",
        "community_type": "forum",
        "topics": ["armed forces", "veterans"],
        "audiences": ["veterans"],
        "regions": ["uk"],
        "is_moderated": True,
        "engagement_preference": EngagementPreference.BY_ARRANGEMENT,
        "welcomes_official_posts": True,
    },
    {
        "slug": "diabetes-uk-forum",
        "title": "Diabetes UK forum",
        "website": "https://forum.diabetes.org.uk/",
        "summary": "People living with diabetes, and their families, share experience of managing the condition.",
        "community_type": "forum",
        "topics": ["diabetes", "health"],
        "audiences": ["disabled-people", "carers"],
        "regions": ["uk"],
        "operator_name": "Diabetes UK",
        "operator_kind": OperatorKind.CHARITY,
        "is_moderated": True,
        "engagement_preference": EngagementPreference.BY_ARRANGEMENT,
        "welcomes_moderator_referral": True,
    },
    {
        "slug": "new-mums-circle",
        "title": "New Mums Circle",
        "website": "https://new-mums-circle.example/",
        "summary": "New mothers talk frankly to each other about the first year with a baby.",
        "description": "Members talk openly about their experience of midwives and health visitors and have asked "
        f"that public servants do not take part. {ILLUSTRATIVE}",
        "community_type": "forum",
        "topics": ["parenting", "health"],
        "audiences": ["parents"],
        "regions": ["uk"],
        "operator_kind": OperatorKind.VOLUNTEERS,
        "is_moderated": True,
        "engagement_preference": EngagementPreference.DOES_NOT_WELCOME,
    },
    {
        "slug": "student-money-board",
        "title": "Student Money Board",
        "website": "https://student-money-board.example/",
        "summary": "Students and parents work through student loans, grants and bursaries together.",
        "description": ILLUSTRATIVE,
        "community_type": "forum",
        "topics": ["student finance", "money"],
        "audiences": ["students", "parents"],
        "regions": ["england"],
        "operator_kind": OperatorKind.VOLUNTEERS,
        "is_moderated": True,
        "engagement_preference": EngagementPreference.WELCOMES,
        "welcomes_expert_answers": True,
        "welcomes_official_posts": True,
    },
    {
        "slug": "fforwm-caerdydd",
        "title": "Fforwm Caerdydd",
        "website": "https://fforwm-caerdydd.example/",
        "summary": "A bilingual community where people in Cardiff discuss the city, its services and Welsh life.",
        "description": ILLUSTRATIVE,
        "community_type": "forum",
        "topics": ["local news", "local services", "welsh language"],
        "audiences": ["residents"],
        "regions": ["cardiff", "wales"],
        "languages": "Welsh, English",
        "operator_kind": OperatorKind.VOLUNTEERS,
        "is_moderated": True,
        "engagement_preference": EngagementPreference.WELCOMES,
        "welcomes_official_posts": True,
        "welcomes_hosted_qa": True,
    },
]


def plan(why, commitments, frequency, next_review, notes=""):
    """An engagement plan in StreamField form: why we take part, commitments, review schedule."""
    return [
        {"type": "heading", "value": "Why we take part"},
        {"type": "paragraph", "value": f"<p>{why}</p>"},
        {"type": "commitments", "value": {"heading": "Our commitments", "items": commitments}},
        {
            "type": "review_schedule",
            "value": {"frequency": frequency, "next_review": next_review.isoformat(), "notes": notes},
        },
    ]


# Each department: page fields, "topics" (tag names), "engagement_plan" (raw StreamField data) and
# "engagements" (dicts with "forum" as the forum's slug).
DEPARTMENTS = [
    {
        "slug": "department-for-education",
        "title": "Department for Education",
        "acronym": "DfE",
        "kind": DepartmentKind.MINISTERIAL,
        "website": "https://www.gov.uk/government/organisations/department-for-education",
        "remit": "Children's services and education in England, including support and advice for parents.",
        "topics": ["education", "parenting", "childcare"],
        "team_contact": "Through the contact form on the department's website.",
        "plan_status": PlanStatus.PUBLISHED,
        "plan_published": datetime.date(2009, 9, 30),
        "plan_next_review": datetime.date(2010, 3, 31),
        "engagement_plan": plan(
            "Parents already help each other online with questions about childcare, schools and family life. "
            "We take part where they are instead of building forums of our own.",
            [
                "Answer parents' questions about policy in the forums that welcome us.",
                "Consult forum operators before building any forum of our own.",
                "Publish what we learn from parents' discussions.",
            ],
            "Every six months",
            datetime.date(2010, 3, 31),
            "The first review reports progress to the Cabinet Office in Q1 2010.",
        ),
        "engagements": [
            {
                "forum": "netmums",
                "mode": EngagementMode.EXPERT_ANSWERS,
                "status": EngagementStatus.ACTIVE,
                "started": datetime.date(2009, 10, 1),
                "team": "Parenting policy team",
                "frequency": "Weekly",
                "outcome": "Policy officials answer questions about childcare support in the discussions.",
            },
            {
                "forum": "mumsnet",
                "mode": EngagementMode.HOSTED_QA,
                "status": EngagementStatus.PLANNED,
                "team": "Ministers' office with policy leads",
                "frequency": "Once a term",
            },
        ],
    },
    {
        "slug": "department-of-health",
        "title": "Department of Health",
        "acronym": "DH",
        "kind": DepartmentKind.MINISTERIAL,
        "website": "https://www.gov.uk/government/organisations/department-of-health-and-social-care",
        "remit": "Health and adult social care policy, and the NHS in England.",
        "topics": ["health", "diabetes", "caring", "pregnancy"],
        "team_contact": "Through the contact form on the department's website.",
        "plan_status": PlanStatus.DRAFT,
        "engagement_plan": plan(
            "People ask their peers first. Advisers add real value when a forum moderator refers someone who "
            "needs specific help, rather than joining every discussion.",
            [
                "Offer NHS advice to members referred by forum moderators.",
                "Stay out of communities that do not welcome public servants.",
            ],
            "Every six months",
            datetime.date(2010, 3, 31),
        ),
        "engagements": [
            {
                "forum": "the-student-room",
                "mode": EngagementMode.MODERATOR_REFERRAL,
                "status": EngagementStatus.ACTIVE,
                "started": datetime.date(2009, 11, 1),
                "team": "NHS Direct nurse advisers",
                "frequency": "When moderators refer a member",
                "outcome": "Moderators refer students who need specific health advice to NHS Direct advisers.",
            },
            {
                "forum": "diabetes-uk-forum",
                "mode": EngagementMode.MODERATOR_REFERRAL,
                "status": EngagementStatus.IDENTIFIED,
                "team": "Long-term conditions team",
            },
        ],
    },
    {
        "slug": "department-for-work-and-pensions",
        "title": "Department for Work and Pensions",
        "acronym": "DWP",
        "kind": DepartmentKind.MINISTERIAL,
        "website": "https://www.gov.uk/government/organisations/department-for-work-pensions",
        "remit": "Welfare, pensions and child maintenance.",
        "topics": ["benefits", "pensions", "caring", "money"],
        "team_contact": "Through the contact form on the department's website.",
        "plan_status": PlanStatus.PUBLISHED,
        "plan_published": datetime.date(2009, 9, 30),
        "plan_last_reviewed": datetime.date(2010, 3, 31),
        "plan_next_review": datetime.date(2010, 9, 30),
        "engagement_plan": plan(
            "People ask each other about the technical detail of benefits. Our call-centre advisers can take "
            "part in those discussions where people are asking for help.",
            [
                "Advisers answer benefits questions in money forums that welcome them.",
                "Post official information about Carer's Allowance where carers meet.",
                "Measure the effect on calls to our contact centres and publish it.",
            ],
            "Every six months",
            datetime.date(2010, 9, 30),
        ),
        "engagements": [
            {
                "forum": "moneysavingexpert-forums",
                "mode": EngagementMode.EXPERT_ANSWERS,
                "status": EngagementStatus.ACTIVE,
                "started": datetime.date(2009, 10, 1),
                "team": "Benefit enquiry line advisers",
                "frequency": "Daily",
                "outcome": "Advisers answer technical questions about benefits in the discussions.",
                "measured_outcome": "Illustrative: calls from forum members about benefit claims down 12%",
            },
            {
                "forum": "carers-uk-forum",
                "mode": EngagementMode.OFFICIAL_POSTS,
                "status": EngagementStatus.ACTIVE,
                "started": datetime.date(2009, 12, 1),
                "team": "Carer's Allowance Unit",
                "frequency": "Monthly",
            },
        ],
    },
    {
        "slug": "ministry-of-defence",
        "title": "Ministry of Defence",
        "acronym": "MOD",
        "kind": DepartmentKind.MINISTERIAL,
        "website": "https://www.gov.uk/government/organisations/ministry-of-defence",
        "remit": "Defence and the armed forces, including service families and veterans.",
        "topics": ["armed forces", "veterans"],
        "team_contact": "Through the contact form on the department's website.",
        "plan_status": PlanStatus.UNDER_REVIEW,
        "plan_published": datetime.date(2009, 9, 30),
        "plan_last_reviewed": datetime.date(2010, 1, 15),
        "plan_next_review": datetime.date(2010, 4, 30),
        "engagement_plan": plan(
            "Soldiers, sailors, veterans and their families discuss service life in their own communities.",
            [
                "Post official information on pay, allowances and welfare where the moderators agree.",
                "Never post anonymously.",
            ],
            "Every three months",
            datetime.date(2010, 4, 30),
        ),
        "engagements": [
            {
                "forum": "army-rumour-service",
                "mode": EngagementMode.OFFICIAL_POSTS,
                "status": EngagementStatus.ACTIVE,
                "started": datetime.date(2009, 6, 1),
                "team": "Army media and communications",
                "frequency": "Weekly",
            },
            {
                "forum": "rum-ration",
                "mode": EngagementMode.OFFICIAL_POSTS,
                "status": EngagementStatus.PAUSED,
                "started": datetime.date(2009, 7, 1),
                "team": "Royal Navy communications",
                "outcome": "Paused while the plan is reviewed.",
            },
        ],
    },
    {
        "slug": "department-for-innovation-universities-and-skills",
        "title": "Department for Innovation, Universities and Skills",
        "acronym": "DIUS",
        "kind": DepartmentKind.MINISTERIAL,
        "website": "http://www.dius.gov.uk/",
        "remit": "Universities, further education, skills and science, including student finance.",
        "topics": ["education", "student finance", "university applications", "skills"],
        "team_contact": "Through the contact form on the department's website.",
        "plan_status": PlanStatus.PUBLISHED,
        "plan_published": datetime.date(2009, 3, 31),
        "plan_next_review": datetime.date(2009, 9, 30),
        "engagement_plan": plan(
            "We worked with The Student Room to combine the peer support it offers with robust official "
            "information from Directgov.",
            [
                "Bring official information to student communities in partnership with their operators.",
                "Ask for procurement rules that let us work with user-led communities directly.",
            ],
            "Every six months",
            datetime.date(2009, 9, 30),
        ),
        "engagements": [
            {
                "forum": "the-student-room",
                "mode": EngagementMode.OFFICIAL_POSTS,
                "status": EngagementStatus.ENDED,
                "started": datetime.date(2008, 10, 1),
                "team": "Digital communications team, with Directgov",
                "outcome": "The mature students campaign combined the community's peer support with official "
                "Directgov information for people returning to study.",
            },
            {
                "forum": "student-money-board",
                "mode": EngagementMode.EXPERT_ANSWERS,
                "status": EngagementStatus.PLANNED,
                "team": "Student finance policy team",
                "frequency": "During the application season",
            },
        ],
    },
]


@dataclass
class LoadCounts:
    """How many pages of one kind the loader created, updated and left alone."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, outcome):
        setattr(self, outcome, getattr(self, outcome) + 1)

    def __str__(self):
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class DemoLoadResult:
    forums: LoadCounts = field(default_factory=LoadCounts)
    departments: LoadCounts = field(default_factory=LoadCounts)


@transaction.atomic
def load_demo_content(sections):
    """Create or update the demo communities and departments under the section pages.

    ``sections`` is what ``ensure_directory_tree`` returns. Returns a ``DemoLoadResult``.
    """
    result = DemoLoadResult()
    forums_by_slug = {}
    for entry in FORUMS:
        page, outcome = upsert_forum(sections["directory"], entry)
        forums_by_slug[entry["slug"]] = page
        result.forums.add(outcome)
    for entry in DEPARTMENTS:
        _page, outcome = upsert_department(sections["departments"], entry, forums_by_slug)
        result.departments.add(outcome)
    return result


def upsert_forum(index, entry):
    """Create or update one community under ``index``; returns (page, "created"|"updated"|"unchanged")."""
    values = {key: value for key, value in entry.items() if key not in ("community_type", "audiences", "regions")}
    values.pop("topics")
    values["community_type"] = CommunityType.objects.get(slug=entry["community_type"])
    values.setdefault("last_verified", REPORT_VERIFIED)
    values.setdefault("contact_name", "Community team")
    values.setdefault("contact_email", f"operator@{entry['slug']}.example")
    values.setdefault("editor_notes", "Demo entry loaded by manage.py load_demo.")
    audiences = list(Audience.objects.filter(slug__in=entry["audiences"]))
    regions = list(Region.objects.filter(slug__in=entry["regions"]))
    _check_all_found(entry, "audiences", audiences)
    _check_all_found(entry, "regions", regions)

    def apply_relations(page):
        changed = False
        if {audience.pk for audience in page.audiences.all()} != {audience.pk for audience in audiences}:
            page.audiences.set(audiences)
            changed = True
        if {region.pk for region in page.regions.all()} != {region.pk for region in regions}:
            page.regions.set(regions)
            changed = True
        if {tag.name for tag in page.topics.all()} != set(entry["topics"]):
            page.topics.set(entry["topics"])
            changed = True
        return changed

    return _upsert_page(index, ForumPage, values, apply_relations)


def upsert_department(index, entry, forums_by_slug):
    """Create or update one public body and its engagements; returns (page, outcome)."""
    values = {key: value for key, value in entry.items() if key not in ("topics", "engagement_plan", "engagements")}
    stream_block = DepartmentPage._meta.get_field("engagement_plan").stream_block
    wanted_plan = _plan_without_ids(stream_block, stream_block.to_python(entry["engagement_plan"]))
    wanted_engagements = [
        {**engagement, "forum": forums_by_slug[engagement["forum"]]} for engagement in entry["engagements"]
    ]
    engagement_fields = ["forum", "mode", "status", "started", "team", "frequency", "outcome", "measured_outcome"]

    def engagement_row(engagement):
        return tuple(
            getattr(engagement, name + "_id" if name == "forum" else name) or None for name in engagement_fields
        )

    def apply_relations(page):
        changed = False
        if {tag.name for tag in page.topics.all()} != set(entry["topics"]):
            page.topics.set(entry["topics"])
            changed = True
        if _plan_without_ids(stream_block, page.engagement_plan) != wanted_plan:
            page.engagement_plan = entry["engagement_plan"]
            changed = True
        current = sorted(page.engagements.all(), key=lambda engagement: engagement.sort_order or 0)
        wanted = [Engagement(sort_order=order, **values) for order, values in enumerate(wanted_engagements)]
        if [engagement_row(engagement) for engagement in current] != [engagement_row(e) for e in wanted]:
            page.engagements = wanted
            changed = True
        return changed

    return _upsert_page(index, DepartmentPage, values, apply_relations)


def _upsert_page(index, model, values, apply_relations):
    """Find the page by slug under ``index``; set values; save and publish a revision only if something changed."""
    page = model.objects.child_of(index).filter(slug=values["slug"]).first()
    if page is None:
        page = model(locale_id=index.locale_id, **values)
        apply_relations(page)
        index.add_child(instance=page)
        page.save_revision(log_action=True).publish()
        return page, "created"
    page = page.get_latest_revision_as_object()
    changed = False
    for name, value in values.items():
        if getattr(page, name) != value:
            setattr(page, name, value)
            changed = True
    changed = apply_relations(page) or changed
    if not changed:
        return page, "unchanged"
    page.save_revision(log_action=True).publish()
    return page, "updated"


def _plan_without_ids(stream_block, stream_value):
    """The plan's stored form without the block ids Wagtail generates, for comparing content."""
    return _strip_block_ids(stream_block.get_prep_value(stream_value))


def _strip_block_ids(data):
    if isinstance(data, list):
        return [_strip_block_ids(item) for item in data]
    if isinstance(data, dict):
        return {key: _strip_block_ids(value) for key, value in data.items() if key != "id"}
    return data


def _check_all_found(entry, name, found):
    missing = set(entry[name]) - {term.slug for term in found}
    if missing:
        raise ValueError(f"{entry['slug']}: unknown {name} {sorted(missing)}; see migration 0002.")
