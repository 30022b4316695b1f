""""Inside the network": the heatmap, gates, gradients, neuron hunt, next char, temperature
and step-through views in their tabs. Imports panels/ and below."""
