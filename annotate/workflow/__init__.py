"""How a team works through a project: who annotates which documents (:mod:`.assign`) and how
reviewers settle their differences into gold (:mod:`.adjudicate`)."""
