"""The domain: plain functions over a database session. No Reflex or web imports here.

Every rule (validation, permission, visibility) lives in exactly one of these modules;
the Reflex state classes and the API both call them.
"""
