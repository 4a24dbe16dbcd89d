"""碳计量器具管理平台: the carbon-metrology instrument registry of coal-chemical enterprises (鄂府发〔2024〕64号)."""
