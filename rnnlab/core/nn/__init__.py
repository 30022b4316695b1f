"""The networks: the char-RNN model, sampling, the probe of hidden states and gates, and the
analyses the "inside the network" views show."""
