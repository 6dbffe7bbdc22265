"""Pieces that exist for assistive technology: text read out but not drawn, and a name for the
file input Reflex's upload renders."""

from __future__ import annotations

import reflex as rx

# Read by screen readers, not drawn (the usual "visually hidden" rules).
SR_ONLY = {
    "position": "absolute",
    "width": "1px",
    "height": "1px",
    "overflow": "hidden",
    "clip": "rect(0 0 0 0)",
    "white_space": "nowrap",
}


def sr_only(*children: rx.Component | rx.Var | str) -> rx.Component:
    """Text (a span) that screen readers read and the page does not show."""
    return rx.el.span(*children, style=SR_ONLY)


def sr_heading(text: rx.Var | str, level: str = "h2") -> rx.Component:
    """A heading only screen readers see: it names a part of the page whose look names it already
    (the feed under its tabs), so heading navigation reaches it and the levels do not skip."""
    return rx.heading(text, as_=level, style=SR_ONLY)


def named_upload(label: str, *children: rx.Component, styled: bool = True, **props) -> rx.Component:
    """`rx.upload` (or, with `styled=False`, `rx.upload.root`) whose file input is named `label`.
    Reflex renders that input with no props of our own, so screen readers and axe found it
    nameless: the name is set on the input component after the upload is built."""
    upload = (rx.upload if styled else rx.upload.root)(*children, **props)
    found = _file_input(upload)
    if found is None:
        raise ValueError("no file input in this upload component")
    found.custom_attrs["aria-label"] = label
    return upload


def _file_input(component: rx.Component) -> rx.Component | None:
    if component.tag == "input":
        return component
    for child in component.children:
        if (found := _file_input(child)) is not None:
            return found
    return None
