"""``jaarcijfers claims``: check every figure a press release states against the extracted releases.

text (sentences) -> figures (figures stated, years named, cue words) -> match (the cells a figure is about)
-> verdict (the hedge's interval against the data) -> report (claims.csv, claims.md); ``runner`` chains them.
All Dutch the command knows is data, in ``schemas/claims.yaml`` (``lexicon``).
"""
