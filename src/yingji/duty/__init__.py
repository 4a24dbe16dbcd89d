"""值班 duty desk: roster, duty log, shift handover and the phone book (issue 22)."""
