"""The Textual app: the rep's practice experience from first launch to scorecard.

Screens only show and ask; every blocking step (engine, LLM, speech, database) runs in a thread
worker that hands results back with `call_from_thread`, so a thread never touches a widget.
"""
