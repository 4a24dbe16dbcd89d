"""Household subsidy cases behind the calculators: 南平房区 renovation and renewal, and use-first-pay-later licences."""
