"""Speed measurements of KAM, kept out of the product: `make bench` runs `python -m bench`.

They may use the apps' test factories (a development dependency) and import any app.
"""
