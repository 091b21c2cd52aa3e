"""Code divebook runs silently in each Python kernel before the page's first cell.

A cell can print text that is not valid Unicode: a lone surrogate such as
``print('\\ud800')``.  ipykernel cannot encode it into a message, so the text
was lost and the kernel's own ZMQ traceback appeared as the cell's stderr,
while the page was marked ok.  The prelude wraps the kernel session's packer:
a message that fails to pack is packed again with each lone surrogate replaced
by U+FFFD (a well-formed surrogate pair becomes its character), as Python's
``errors="replace"`` does when it decodes.

It runs as a *silent* request (``silent=True, store_history=False``), so the
execution counts, ``In``/``Out`` and the outputs of the page's cells are those
of a kernel without it, and it is never part of a notebook.  It defines no
names in the user's namespace.  A kernel that is not ipykernel is left as it is.
"""

from __future__ import annotations

import queue
import time
from typing import Any

#: kernel-side code; everything lives inside one function that deletes itself
PRELUDE = r'''
def _divebook_prelude():
    try:
        session = get_ipython().kernel.session
    except Exception:
        return
    pack = session.pack

    def fix(text):
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")

    def clean(obj):
        if isinstance(obj, str):
            return fix(obj)
        if isinstance(obj, dict):
            return {clean(k): clean(v) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [clean(v) for v in obj]
        return obj

    def safe_pack(obj):
        try:
            return pack(obj)
        except Exception:
            return pack(clean(obj))

    session.pack = safe_pack
_divebook_prelude()
del _divebook_prelude
'''


async def run_prelude(kc: Any, timeout: float) -> bool:
    """Run ``PRELUDE`` silently through the kernel client ``kc``; True once the kernel replied.

    Other replies are left alone: nbclient matches replies to its own requests.
    """
    msg_id = kc.execute(PRELUDE, silent=True, store_history=False, allow_stdin=False)
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            reply = await kc.get_shell_msg(timeout=left)
        except queue.Empty:
            return False
        if reply.get("parent_header", {}).get("msg_id") == msg_id:
            return reply.get("content", {}).get("status") == "ok"
    return False
