"""What the render fork server loads: the renderer and the pool's entry point, then freezes
them. A render process is a fork of the server; without the freeze, its first full garbage
collection walked every object the server had loaded (Django, Pillow), writing to each one's
header, so the kernel copied the server's whole heap into each render, page by page: about
25 ms of CPU per render, more than most renders take. Only the fork server imports this.
"""

import gc

from . import render, render_pool  # noqa: F401

gc.freeze()
