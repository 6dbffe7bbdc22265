"""One module per page; every page is registered in slice_of_culture.py."""
