"""气象灾害风险数据库 (003#L6 3.1.1): the places a meteorological hazard puts at risk, from the census, assessments and
zoning, so that the room of a weather response shows where the hazard bites."""
