"""Units over time: the administrative area a unit's name starts with, and one stable key per unit.

Both are data-driven: ``vocab/regions.yaml`` lists China's provinces and prefecture-level areas (and
the districts documents need), ``vocab/unit_aliases.yaml`` the normalisation rules and the aliases a
rule cannot know. The reading of each is written at the top of its file.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pipelines.vocabulary import _load

AREA = r"[\u4e00-\u9fff]{1,10}?[省市区县州盟旗]"


@dataclass(frozen=True)
class Area:
    path: tuple[str, ...]  # 山东省, 烟台市
    children: dict[str, Area]

    @property
    def name(self) -> str:
        return "".join(self.path)


def _area(path: tuple[str, ...], entries) -> Area:
    children = {}
    for entry in entries or ():
        if isinstance(entry, dict):
            for name, below in entry.items():
                children[name] = _area(path + (name,), below)
        else:
            children[entry] = Area(path + (entry,), {})
    return Area(path, children)


@lru_cache(maxsize=None)
def provinces() -> dict[str, Area]:
    return {name: _area((name,), entries) for name, entries in _load("regions.yaml")["provinces"].items()}


@lru_cache(maxsize=None)
def prefectures() -> dict[str, Area]:
    """Prefecture-level areas by name, each unique in the country (so each implies its province).
    The municipalities' districts are not among them: a district's name is not unique."""
    return {name: area for province in provinces().values() if not _is_municipality(province)
            for name, area in province.children.items()}


def _is_municipality(province: Area) -> bool:
    return province.path[0].endswith("市")


def _longest_prefix(text: str, areas: dict[str, Area]) -> Area | None:
    matches = [area for name, area in areas.items() if text.startswith(name)]
    return max(matches, key=lambda a: len(a.path[-1]), default=None)


def area_prefix(name: str | None) -> tuple[Area, str] | None:
    """(the area ``name`` starts with, the rest of the name), or None.

    上海市普陀区人民政府办公室 -> (上海市 / 普陀区, 人民政府办公室); 烟台市教育局 -> (山东省 / 烟台市, 教育局)."""
    text = normalise_name(name)
    area = _longest_prefix(text, provinces()) or _longest_prefix(text, prefectures())
    if area is None:
        return None
    rest = text[len(area.path[-1]):]
    while below := _longest_prefix(rest, area.children):
        area, rest = below, rest[len(below.path[-1]):]
    return area, rest


def is_area(name: str | None) -> bool:
    """The name of an administrative area and nothing more (上海市普陀区, 烟台市, 江苏省)."""
    found = area_prefix(name)
    return found is not None and not found[1]


def region_of(name: str | None) -> str | None:
    """The administrative area a unit's name starts with, in full (烟台市教育局 -> 山东省烟台市,
    中共江苏省委办公厅 -> 江苏省)."""
    found = area_prefix(known_name(name))
    return found[0].name if found else None


# ---------------------------------------------------------------- unit_key
def normalise_name(name: str | None) -> str:
    """Full-width forms as half-width ((), letters, digits, spaces), whitespace removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))


@lru_cache(maxsize=None)
def _rules() -> dict:
    return _load("unit_aliases.yaml")


@lru_cache(maxsize=None)
def _scope_pattern() -> re.Pattern:
    scopes = _rules()["scope_qualifiers"]
    bracketed = "|".join(map(re.escape, sorted(scopes["bracketed"], key=len, reverse=True)))
    bare = "|".join(map(re.escape, sorted(scopes["bare"], key=len, reverse=True)))
    return re.compile(rf"(?:\((?:{bracketed})\)|(?<=[^\s(])(?:{bare}))$")


@lru_cache(maxsize=None)
def _abbreviations() -> tuple[tuple[re.Pattern, str], ...]:
    return tuple((re.compile(rule["pattern"].replace("{area}", AREA)), rule["replace"])
                 for rule in _rules()["abbreviations"])


def _without_scope(name: str) -> str:
    previous = None
    while previous != name:
        previous, name = name, _scope_pattern().sub("", name)
    return name


def _abbreviated(name: str) -> str:
    for pattern, replacement in _abbreviations():
        name = pattern.sub(replacement, name)
    return name


def canonical_name(name: str) -> str:
    """The name under the rules of unit_aliases.yaml (before the aliases)."""
    return _abbreviated(_without_scope(normalise_name(name)))


@lru_cache(maxsize=None)
def _aliases() -> dict[str, str]:
    return {canonical_name(variant): canonical_name(canonical)
            for canonical, variants in (_rules()["aliases"] or {}).items() for variant in variants}


def known_name(name: str | None) -> str:
    """The canonical name, or the one its alias points to."""
    canonical = canonical_name(name or "")
    return _aliases().get(canonical, canonical)


def unit_key(name: str | None) -> str | None:
    """One key for the same unit across years and name variants: the canonical name, its leading
    administrative area written in full (中共江苏省委办公厅 -> 江苏省委办公厅, 福州市民政局(本级) ->
    福建省福州市民政局). None without a name."""
    known = known_name(name)
    if not known:
        return None
    found = area_prefix(known)
    return found[0].name + found[1] if found else known
