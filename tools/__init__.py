"""Project tooling run by make and CI, not by the site: the supply-chain check of ``make audit``."""
