"""一张图 (the jurisdiction's map and its layers, the radius query) and 指挥大屏 (the command hall's panels)."""
