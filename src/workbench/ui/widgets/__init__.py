"""ipywidgets user interfaces: thin layers that wire widgets to library calls."""
