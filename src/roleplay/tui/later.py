"""Work that ends after its screen may be gone: a worker's result handed back with
`call_from_thread`, a signal (Textual runs a subscriber's callback a few messages after the
publish), a dialog's answer.

By then the rep may have quit or left the screen: a script that quit the instant the services
were ready got Today's offline banner mounted onto a screen the exit had detached (MountError:
the app failed), and a list's rows landing on a closed screen would fail their worker
(NoMatches). A method marked `@while_open` does nothing once its screen (or widget) is
detached or closing, or the app is shutting down: there is nothing left to show it on. What
must not be lost (a turn, a scorecard) is saved by the services, never by these methods.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from textual.dom import DOMNode

F = TypeVar("F", bound=Callable[..., Any])


def is_open(node: DOMNode) -> bool:
    """`node` is on the app's screens and can still take widgets and updates (public names
    only: Textual's own mount refuses a node that is not attached, and a node is not once
    the app was asked to exit)."""
    try:
        app = node.app
    except Exception:  # noqa: BLE001 - no app any more (NoActiveAppError): nothing is open
        return False
    # Not `is_mounted`: it is set only once the node's on_mount has run, which calls these.
    if not (app.is_running and node.is_running and node.is_attached):
        return False
    # Being removed (its screen replaced or popped): still running and attached for a few
    # dozen messages, widgets all there, and a late result did real work on it (a probe in
    # tests/test_appframe9_closing.py counted 16-39 such points). Textual's public
    # `display` is False from the moment the removal starts (or when styled `display:
    # none`, which a hidden widget is and a closing one need not be).
    return bool(node.display) or node.styles.display == "none"


def while_open(method: F) -> F:
    """`method` runs only while its node is open (`is_open`); afterwards it returns None."""

    @functools.wraps(method)
    def guarded(self: DOMNode, *args: Any, **kwargs: Any) -> Any:
        if not is_open(self):
            return None
        return method(self, *args, **kwargs)

    return cast(F, guarded)
