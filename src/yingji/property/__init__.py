"""Property-service supervision 物业服务监管: the seed-cited programme data (targets, tasks, rules, survey form)."""
