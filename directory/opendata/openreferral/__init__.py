"""Open Referral (HSDS 3.0): the directory as services, organizations and taxonomy terms, at /openreferral/."""
