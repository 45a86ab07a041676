"""The front door: a request for an EHC needs assessment made online by a parent, a young
person or a school, or recorded by a caseworker from post, phone or email; the provisional
record it makes for a child the council does not know; and the caseworker's confirmation of
that record, as a new learner or the same child as one the council knows (ADR 0125).
"""
