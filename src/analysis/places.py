"""Country and region names (with their common city/abbreviation forms) used by the rules.

One list serves both the ``storage_country`` fact and the ``<COUNTRY>`` macro that
codebook patterns may use. Abbreviations that are also English words (US, EU) are
matched case-sensitively.
"""
from __future__ import annotations

COUNTRIES: tuple[tuple[str, str], ...] = (
    ("United States", r"united\s+states(?:\s+of\s+america)?|u\.s\.a?\.?|usa|(?-i:US)"),
    ("China", r"(?:mainland\s+)?china|people[’']?s\s+republic\s+of\s+china|(?-i:PRC)|beijing|shanghai|shenzhen|hangzhou|guangzhou"),
    ("Hong Kong", r"hong\s+kong(?:\s+sar)?"), ("Singapore", r"singapore"), ("India", r"india|mumbai|bangalore|bengaluru|new\s+delhi"),
    ("Russia", r"russia(?:n\s+federation)?|moscow"), ("Germany", r"germany|frankfurt"), ("Ireland", r"ireland|dublin"),
    ("Netherlands", r"netherlands|amsterdam"), ("France", r"france|paris"), ("Japan", r"japan|tokyo"),
    ("South Korea", r"(?:south\s+)?korea|seoul"), ("Canada", r"canada"), ("Australia", r"australia|sydney"),
    ("Brazil", r"brazil"), ("United Kingdom", r"united\s+kingdom|u\.k\.|great\s+britain|london"),
    ("European Union", r"european\s+union|e\.u\.|(?-i:EU)"), ("European Economic Area", r"european\s+economic\s+area|(?-i:EEA)"),
    ("Vietnam", r"vietnam"), ("Indonesia", r"indonesia"), ("Malaysia", r"malaysia"), ("Thailand", r"thailand"),
    ("Taiwan", r"taiwan"), ("Switzerland", r"switzerland"), ("Sweden", r"sweden"), ("Finland", r"finland"),
    ("Poland", r"poland"), ("Spain", r"spain"), ("Italy", r"italy"), ("Mexico", r"mexico"), ("Turkey", r"turkey"),
    ("United Arab Emirates", r"united\s+arab\s+emirates|(?-i:UAE)"), ("South Africa", r"south\s+africa"),
    ("Israel", r"israel"), ("Belgium", r"belgium"), ("Austria", r"austria"), ("Denmark", r"denmark"),
    ("Norway", r"norway"), ("Philippines", r"philippines"), ("Saudi Arabia", r"saudi\s+arabia"),
    ("Ukraine", r"ukraine"), ("Kazakhstan", r"kazakhstan"), ("Belarus", r"belarus"), ("Argentina", r"argentina"),
    ("Chile", r"chile"), ("Colombia", r"colombia"), ("New Zealand", r"new\s+zealand"), ("Pakistan", r"pakistan"),
    ("Bangladesh", r"bangladesh"), ("Egypt", r"egypt"), ("Nigeria", r"nigeria"), ("Kenya", r"kenya"),
)


def country_pattern() -> str:
    """A regex alternation (no groups) matching any listed country or region name."""
    return r"\b(?:" + "|".join(p for _, p in COUNTRIES) + r")(?![\w-])"
