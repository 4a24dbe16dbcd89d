"""执法: inspection plans and records, findings that become hazards or violations, decisions, referrals, the
180-day accident rule and the blacklists (issue 25 item 4, seed 004)."""
