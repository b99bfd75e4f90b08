"""Public forms (nominate, claim, suggest, report): per-address limits counted by django-ratelimit
in the "ratelimit" cache (Redis in production), a body size limit, a minimum time to fill a form,
and how many proxies in front of the app append to X-Forwarded-For. See core/protection.py.
Imported by settings/base.py; every value can be set from the environment.
"""

import os

NOMINATION_RATE_LIMIT = os.environ.get("NOMINATION_RATE_LIMIT", "5/h")
# Claims have their own count: a library or office connection must not lose the claim form to
# other people's nominations.
CLAIM_RATE_LIMIT = os.environ.get("CLAIM_RATE_LIMIT", "10/h")
CONTRIBUTION_RATE_LIMIT = os.environ.get("CONTRIBUTION_RATE_LIMIT", "20/h")
PUBLIC_FORM_RATE_LIMIT = os.environ.get("PUBLIC_FORM_RATE_LIMIT", "60/h")
PUBLIC_FORM_MAX_BYTES = int(os.environ.get("PUBLIC_FORM_MAX_BYTES", str(64 * 1024)))
PUBLIC_FORM_MIN_SECONDS = int(os.environ.get("PUBLIC_FORM_MIN_SECONDS", "3"))
# A form's start token is good for one submission within this many seconds (journeys/spam_guard.py).
PUBLIC_FORM_MAX_AGE_SECONDS = int(os.environ.get("PUBLIC_FORM_MAX_AGE_SECONDS", str(6 * 3600)))
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
