"""Hand memory freed by one printed form back to the operating system.

A form allocates a few megabytes of short-lived objects (paragraphs, table cells, font subsets).
Python frees them, but glibc's allocator keeps the freed pages for reuse, so over a batch of
thousands of forms the resident size climbs to the high-water mark of the largest forms and stays
there (about +11 % over 1,000 forms at city scale; nothing is leaked: the Python heap does not grow).
``malloc_trim`` returns those pages; it costs microseconds. Other C libraries: nothing to do.
"""

from __future__ import annotations

import ctypes
import ctypes.util

_libc_name = ctypes.util.find_library("c")
_trim = getattr(ctypes.CDLL(_libc_name), "malloc_trim", None) if _libc_name else None


def release_freed_memory() -> None:
    if _trim is not None:
        _trim(0)
