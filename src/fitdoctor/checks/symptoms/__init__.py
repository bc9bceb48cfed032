"""FD4xx: symptoms observed during training, judged on the loss history."""
