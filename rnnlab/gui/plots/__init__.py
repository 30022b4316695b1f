"""Plots fed numpy arrays: the loss plot and its series, live ranges, the race plot, the
heatmap view. Imports workers/ and look/."""
