"""Text statistics beside the network: the n-gram baseline and the memorisation meter."""
