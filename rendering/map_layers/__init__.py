"""The map's layers: what a layer is (``spec.Layer``), every layer declared once
(``registry``) and the builders of the panels' overlays (hubs, groups, demand, estate); the
base layers' builders and the page are rendering/webmap.py's."""
