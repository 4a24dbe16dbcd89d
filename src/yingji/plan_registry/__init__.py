"""预案管理: every emergency plan of governments, departments and enterprises, with its legal calendar."""
