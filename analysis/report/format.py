"""Text for readers: numbers with units (from the registry), input names, and author text
made safe to show as HTML."""

from __future__ import annotations

import html

from analysis.model.indicators import INDICATORS, format_value
from analysis.model.registry import usd
from analysis.model.results import CAPABILITIES
from analysis.world import FIGURES, World

__all__ = [
    "CAPABILITY_LABELS",
    "capital",
    "format_value",
    "input_label",
    "possessive",
    "text",
    "usd",
]

#: Capability figures as a chart or table names them (labels from the data layer).
CAPABILITY_LABELS = {name: FIGURES[name][1] for name in CAPABILITIES}


def capital(words: str) -> str:
    """The first letter in upper case (for a label that starts a sentence or a row)."""
    return words[:1].upper() + words[1:]


def possessive(name: str) -> str:
    """ "Japan's", "the United States'", "the Philippines'"."""
    name = {"United States": "the United States", "Philippines": "the Philippines"}.get(name, name)
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def text(value: object) -> str:
    """Author-written text (titles, summaries) escaped so it shows as text, never as markup."""
    return html.escape(str(value), quote=True)


def input_label(name: str, world: World) -> str:
    """A reader's name for an uncertain input: a parameter's label (parameters.csv), an
    actor's judgement ("China's position (judgement)") or bloc, or an indicator's label."""
    parts = name.split(".")
    if name in world.parameters.index:
        return str(world.parameters.loc[name, "label"])
    if parts[0] in ("judgements", "bloc") and len(parts) > 1 and parts[1] in world.actors.index:
        actor = world.actors.loc[parts[1], "name"]
        if parts[0] == "bloc":
            return f"{possessive(actor)} bloc"
        return f"{possessive(actor)} {parts[2]} (judgement)"
    if parts[0] == "estimate" and len(parts) == 3 and parts[1] in world.actors.index:
        label = FIGURES.get(parts[2], ("", parts[2]))[1]
        label = label if label[1:2].isupper() else label[:1].lower() + label[1:]
        return f"{possessive(world.actors.loc[parts[1], 'name'])} {label} (estimate)"
    if name == "estimate.trade":
        return "the error of the gravity estimates of trade"
    if name in INDICATORS:
        return INDICATORS[name].name()
    return name
