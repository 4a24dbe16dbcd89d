"""Subsidy calculators with cited formulas: 包科发〔2025〕61号 “先使用后付费” and 杭政办发〔2024〕42号 南平房区."""
