"""Open data settings: who may read it from other sites, and the public address its links use.

``PUBLIC_BASE_URL`` (e.g. https://peersupport.example.gov.uk) is where the public site is
served. Feeds, JSON-LD, Open Referral, the Wagtail API's ``html_url`` and the exports'
``directory_url`` build their absolute links from it, so every output names the same host
whatever address a request came in by. When it is empty (development), links use the
request's own host. docs/deployment.md.
"""

import os

PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").rstrip("/")

# Open data endpoints may be read from any origin; nothing else may. Scripts on other sites may
# read the licence (Link) and the export's file name (Content-Disposition).
CORS_URLS_REGEX = r"^/(?:cy/)?(?:openreferral/|api/v2/|feeds/|directory/export\.).*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["Link", "Content-Disposition"]
