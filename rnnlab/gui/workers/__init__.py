"""The threads behind the window: the training session and its worker, the sampling worker,
background jobs (baseline, memorisation, text loading), downloads, the GUI-thread garbage
collector. Imports only look/."""
