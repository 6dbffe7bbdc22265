"""Small UI functions named for what they draw."""

from slice_of_culture.components.forms import field, submit_button
from slice_of_culture.components.layout import layout
from slice_of_culture.components.postcard import postcard, postcard_list

__all__ = ["field", "layout", "postcard", "postcard_list", "submit_button"]
