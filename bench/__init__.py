"""`make bench`: real-process load figures, as ratios against baselines measured in the same run."""
