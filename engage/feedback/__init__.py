"""One read model over every source of feedback (comments now; survey answers
and conversation notes as those features arrive), for the theme analysis.

Sources never import this package; it reads them.
"""
