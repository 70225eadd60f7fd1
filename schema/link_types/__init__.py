"""The typed objects a preview carries, one module per platform plus the shapes they share.

Each graph type names its record where it is written (`registry.link_kind`); importing this
package imports every module in it, so that a new platform's module is registered by being
here, with no list to update. Imports point one way: `schema.previews` uses this package;
platform modules use `shared` and `registry`, which use only the scalars, enums and images
every part of the schema knows.
"""

from __future__ import annotations

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
