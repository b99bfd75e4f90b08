"""Public views of the directory that are not plain page renders, one module per journey."""
