"""Scoring annotations: span matching, chance-corrected reliability, inter-annotator agreement
and system-against-gold evaluation, all on the same matching so their figures mean the same."""
