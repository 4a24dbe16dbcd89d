"""Mine networking data files (煤矿安全监控系统联网数据文件): profiles, parser, adapter, inputs, stopped feeds."""
