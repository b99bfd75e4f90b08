"""The tokens an operator (or someone claiming an entry) places on their website to prove they run it.

A token is an HMAC of the entry's translation key (the same in every language, nothing stored);
a claim's token also names the claim, so a claimant cannot reuse the current operator's. It goes
either in a meta tag on the home page or alone in a file under ``/.well-known/``. The checks are
in ``directory.verification``; this module is low in the layers so emails can name the token.
"""

from urllib.parse import urlsplit, urlunsplit

from django.utils.crypto import salted_hmac

META_NAME = "peer-support-directory-verification"
WELL_KNOWN_PATH = "/.well-known/peer-support-directory-verification.txt"


def verification_token(forum, purpose="operator"):
    """The token that proves control of ``forum``'s website (a claim's: ``claim_token``)."""
    return "psd-" + salted_hmac(f"directory.verification.{purpose}", str(forum.translation_key)).hexdigest()[:32]


def claim_token(claim):
    return verification_token(claim.forum, purpose=f"claim-{claim.pk}")


def meta_tag(token):
    return f'<meta name="{META_NAME}" content="{token}">'


def well_known_url(website):
    parts = urlsplit(website)
    return urlunsplit((parts.scheme, parts.netloc, WELL_KNOWN_PATH, "", ""))


def token_instructions(token, website):
    """What an email or page tells someone to place on their website, and where."""
    return {"token": token, "meta_tag": meta_tag(token), "file_url": well_known_url(website)}
