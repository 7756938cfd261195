"""A practice call in a plain terminal: the rep types, the customer's lines are printed."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from roleplay.cli import render
from roleplay.services.engine import CallState, Conversation
from roleplay.services.ports import Customer, CustomerEvent, CustomerUnavailable, Sentence
from roleplay.services.recovery import CustomerRecovery, Recovery

HELP = "Type what you would say, then Enter. /end hangs up · /time shows the time left."
HANG_UP = {"/end", "/quit", "/hangup", "/bye"}
OUTCOMES = {
    "win": "The customer agreed to your next step.",
    "loss": "The customer ended the call.",
    "time": "Time is up.",
    "rep-ended": "You ended the call.",
}


def run_text_call(
    call: Conversation,
    read: Callable[[str], str],
    write: Callable[[str], None],
    offline: bool,
    fallback: Callable[[], Customer] | None = None,
    commitments: Sequence[str] = (),
) -> None:
    """Drive `call` to its end. EOF or Ctrl-C end it as if the rep hung up; nothing is lost."""
    s = call.run.scenario
    write(render.briefing(s, call.time_limit))
    for line in commitments:  # the rep's open commitments about the skills this call trains
        write("\n" + line)
    if offline:
        write("\n" + render.OFFLINE_BANNER)
    write("\n" + HELP + "\n")
    name = s.persona.name.split()[0]
    try:
        _speak(call.start(), name, write)
        while call.state is CallState.AWAITING_REP:
            try:
                line = read("You: ")
            except EOFError:
                break
            command = line.strip().lower()
            if not command:
                continue
            if command in HANG_UP:
                break
            if command == "/time":
                write(f"  {render.clock(call.time_left())} left")
                continue
            if command in {"/help", "/?"}:
                write("  " + HELP)
                continue
            try:
                _speak(call.rep_says(line), name, write)
            except CustomerUnavailable as exc:
                if not _recover(call, exc, read, write, name, fallback):
                    break
    except KeyboardInterrupt:
        write("")
    call.end()
    write("\n" + OUTCOMES.get(call.outcome or "rep-ended", "The call ended."))


def _recover(
    call: Conversation,
    exc: CustomerUnavailable,
    read: Callable[[str], str],
    write: Callable[[str], None],
    name: str,
    fallback: Callable[[], Customer] | None,
) -> bool:
    """The customer failed mid-call: every turn so far is saved. Retry, go offline, or end
    (the policy every kind of call shares: `CustomerRecovery`).

    Returns False when the rep chose to end the call."""
    recovery = CustomerRecovery(call, fallback)
    keys = {choice.value[0]: choice for choice in recovery.choices()}
    labels = {
        Recovery.RETRY: "[r]etry",
        Recovery.OFFLINE: "[o]ffline scripted customer",
        Recovery.END: "[e]nd",
    }
    options = ", ".join(labels[c] for c in recovery.choices())
    write(f"\n! {exc}")
    while True:
        try:
            answer = read(f"  {options}? ").strip().lower()
        except EOFError:
            return False
        if answer in HANG_UP:  # what hangs up anywhere else in the call hangs up here too
            return False
        choice = keys.get(answer[:1])
        if choice is None:  # say what is asked, not the whole error again
            write(f"  Answer {', '.join(keys)} or /end.")
            continue
        try:
            events = recovery.apply(choice, lambda line: write("  " + line))
            if events is None:
                return False
            _speak(events, name, write)
            return True
        except CustomerUnavailable as again:
            write(f"\n! {again}")


def _speak(events: Iterator[CustomerEvent], name: str, write: Callable[[str], None]) -> None:
    """Print each sentence as soon as the customer produces it."""
    prefix = f"{name}: "
    indent = " " * len(prefix)
    for event in events:
        if isinstance(event, Sentence):
            write(render.wrap(event.text, indent, first=prefix))
            prefix = indent
