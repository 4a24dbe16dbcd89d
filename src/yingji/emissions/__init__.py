"""重点企业污染物和碳排放台账 (003#L20): the key enterprises' yearly pollutant and carbon figures behind the Ordos
pollution-and-carbon pilot's coordinated management."""
